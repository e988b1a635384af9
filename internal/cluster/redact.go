package cluster

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// secretMask replaces a Secret's value in a message, as in diffs.
const secretMask = "++++++++"

// WithoutSecretValues returns err, a failed write of obj, with the values
// of obj masked out of its message when obj is a core Secret. The API
// server quotes a value it refuses (a server-side apply of stringData
// {pin: 1234} fails with ".stringData.pin: expected string, got
// &value.valueUnstructured{Value:1234}"), and write errors become
// conditions, events and sync results. A value is masked where it stands
// apart (not inside a longer word), so a value "1" leaves "v1" alone.
// errors.Is and errors.As still reach the server's error.
func WithoutSecretValues(err error, obj *unstructured.Unstructured) error {
	if err == nil || obj == nil || obj.GetKind() != "Secret" || obj.GroupVersionKind().Group != "" {
		return err
	}
	var values []string
	for _, field := range []string{"data", "stringData"} {
		m, _ := obj.Object[field].(map[string]any)
		for _, v := range m {
			s, ok := v.(string)
			if !ok {
				if v == nil {
					continue
				}
				s = fmt.Sprint(v)
			}
			values = append(values, s)
			if field == "data" {
				if b, derr := base64.StdEncoding.DecodeString(s); derr == nil {
					values = append(values, string(b))
				}
			}
		}
	}
	msg := err.Error()
	// Longest first: a value inside another is masked as part of it.
	slices.SortFunc(values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		standalone := regexp.MustCompile(`(^|[^A-Za-z0-9])` + regexp.QuoteMeta(v) + `($|[^A-Za-z0-9])`)
		msg = standalone.ReplaceAllString(msg, "${1}"+secretMask+"${2}")
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// redactedError is an error whose message no longer holds Secret values.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }
