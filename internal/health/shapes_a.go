package health

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Shapes shared by several API groups of the second half of Argo CD's
// resource_customizations (to be unified with rules.go later).

// condRule: the conditions are read in order and the first whose type and
// status are in When decides; without one the object is Progressing with
// the Waiting message.
type condRule struct {
	When    map[condKey]condOutcome
	Waiting string
}

// condKey is a condition's type and status.
type condKey struct{ Type, Status string }

// condOutcome is what a deciding condition means: its Code with Message,
// or with FromCondition the condition's own message (Message when the
// condition has none).
type condOutcome struct {
	Code          v1alpha1.HealthStatusCode
	Message       string
	FromCondition bool
}

func (r condRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if st, ok := r.decide(obj); ok {
		return st, nil
	}
	return progressing(r.Waiting), nil
}

// decide is the deciding condition's health, if a condition decides.
func (r condRule) decide(obj *unstructured.Unstructured) (*Status, bool) {
	for _, c := range conditions(obj) {
		o, ok := r.When[condKey{c.Type, c.Status}]
		if !ok {
			continue
		}
		msg := o.Message
		if o.FromCondition {
			msg = c.messageOr(o.Message)
		}
		return &Status{Code: o.Code, Message: msg}, true
	}
	return nil, false
}

// stateRule: one field of the object (a string) picks the health from
// States. A value States does not know takes Other when set, else
// Default, as does an absent field. Messages may hold {kind} (the
// object's kind) and {state} (the field's value).
type stateRule struct {
	// Path is the field's path from the object's root.
	Path    []string
	States  map[string]stateHealth
	Other   *stateHealth
	Default stateHealth
}

// stateHealth is a health with a message template.
type stateHealth struct {
	Code    v1alpha1.HealthStatusCode
	Message string
}

func (r stateRule) check(obj *unstructured.Unstructured) (*Status, error) {
	h := r.Default
	state, ok := valueAt(obj.Object, r.Path...).(string)
	if ok {
		if s, known := r.States[state]; known {
			h = s
		} else if r.Other != nil {
			h = *r.Other
		}
	}
	msg := strings.NewReplacer("{kind}", obj.GetKind(), "{state}", state).Replace(h.Message)
	return &Status{Code: h.Code, Message: msg}, nil
}

// valueAt is the value at path under m, nil when a step is absent or not
// a map (a script's nil).
func valueAt(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

// toNumber reads a JSON number (or a numeric string, as a script's
// tonumber) as float64.
func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

// numberAt is the number at path, or an error naming the field when it is
// absent (where Argo CD's script would fail on arithmetic with nil).
func numberAt(m map[string]any, path ...string) (float64, error) {
	v := valueAt(m, path...)
	if _, isString := v.(string); !isString {
		if n, ok := toNumber(v); ok {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%s is not a number", strings.Join(path, "."))
}

// numberOr is the number at path, or def when there is none.
func numberOr(m map[string]any, def float64, path ...string) float64 {
	n, err := numberAt(m, path...)
	if err != nil {
		return def
	}
	return n
}

// sameValue compares two values as a script's ==: absent equals absent,
// numbers by value, anything else by type and value.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	_, as := a.(string)
	_, bs := b.(string)
	if as != bs {
		return false
	}
	if !as {
		x, xok := toNumber(a)
		y, yok := toNumber(b)
		if xok && yok {
			return x == y
		}
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// valueText renders a string or number as a script's concatenation does
// (3, not 3.0).
func valueText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	if n, ok := toNumber(v); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// truthy is a script's truth: anything but absent and false.
func truthy(v any) bool {
	b, isBool := v.(bool)
	return v != nil && (!isBool || b)
}

func unknownHealth(msg string) *Status {
	return &Status{Code: v1alpha1.HealthStatusUnknown, Message: msg}
}

func missingHealth(msg string) *Status {
	return &Status{Code: v1alpha1.HealthStatusMissing, Message: msg}
}
