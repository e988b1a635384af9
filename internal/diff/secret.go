package diff

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// mask is the replacement of the first distinct value of a key; each other
// value of the same key gets four "+" more.
const mask = "++++++++"

// secretFields hold a Secret's values.
var secretFields = []string{"data", "stringData"}

// HideSecretData returns copies of a desired and a live Secret whose values
// are replaced by runs of "+", as Argo CD shows them: per key, equal values
// get the same mask on both sides and different values different masks, so
// a diff still shows which keys changed and never what they hold. Values
// in data and stringData are compared by content (data decoded from
// base64), so a stringData value and the same value in data look alike.
// The kubectl.kubernetes.io/last-applied-configuration annotation, a copy
// of the object as last applied, is masked with the same masks, or
// replaced by a mask when it does not parse. Objects that are not core
// Secrets are returned as they are; either may be nil.
func HideSecretData(target, live *unstructured.Unstructured) (*unstructured.Unstructured, *unstructured.Unstructured) {
	var docs []map[string]any
	masked := func(o *unstructured.Unstructured) *unstructured.Unstructured {
		if !isSecret(o) {
			return o
		}
		o = o.DeepCopy()
		docs = append(docs, o.Object)
		return o
	}
	target, live = masked(target), masked(live)
	if len(docs) == 0 {
		return target, live
	}
	// The last applied copies come after both objects, as in Argo CD, so
	// that a value the objects share keeps their mask.
	type applied struct {
		obj *unstructured.Unstructured
		doc map[string]any
	}
	var lastApplied []applied
	for _, o := range []*unstructured.Unstructured{target, live} {
		if !isSecret(o) {
			continue
		}
		raw, ok := o.GetAnnotations()[corev1.LastAppliedConfigAnnotation]
		if !ok {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			setAnnotation(o, mask)
			continue
		}
		docs = append(docs, doc)
		lastApplied = append(lastApplied, applied{o, doc})
	}
	masks := map[string]map[string]string{} // key → value → mask
	for _, doc := range docs {
		for _, field := range secretFields {
			values, _ := doc[field].(map[string]any)
			keys := make([]string, 0, len(values))
			for k := range values {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				content := secretValue(field, values[k])
				if masks[k] == nil {
					masks[k] = map[string]string{}
				}
				m, ok := masks[k][content]
				if !ok {
					m = mask + strings.Repeat("++++", len(masks[k]))
					masks[k][content] = m
				}
				values[k] = m
			}
		}
	}
	for _, la := range lastApplied {
		b, err := json.Marshal(la.doc)
		if err != nil {
			setAnnotation(la.obj, mask)
			continue
		}
		setAnnotation(la.obj, string(b))
	}
	return target, live
}

// isSecret reports whether o is a core Secret.
func isSecret(o *unstructured.Unstructured) bool {
	return o != nil && o.GetKind() == "Secret" && o.GroupVersionKind().Group == ""
}

// secretValue is what a value of data (base64) or stringData holds.
func secretValue(field string, v any) string {
	s, isString := v.(string)
	switch {
	case v == nil:
		return ""
	case !isString:
		return fmt.Sprint(v)
	case field == "data":
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return string(b)
		}
	}
	return s
}

func setAnnotation(o *unstructured.Unstructured, value string) {
	a := o.GetAnnotations()
	a[corev1.LastAppliedConfigAnnotation] = value
	o.SetAnnotations(a)
}
