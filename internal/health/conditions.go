package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

type condition struct {
	Type, Status, Reason, Message string
	// HasMessage tells an empty message from none (Lua's `message or …`).
	HasMessage bool
	// ObservedGeneration is the condition's, if HasObservedGeneration.
	ObservedGeneration    int64
	HasObservedGeneration bool
}

// messageOr is the condition's message, or def when it has none.
func (c condition) messageOr(def string) string {
	if c.HasMessage {
		return c.Message
	}
	return def
}

func conditions(obj *unstructured.Unstructured) []condition {
	raw, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	return conditionsOf(raw)
}

// conditionsOf reads a list of conditions anywhere in an object.
func conditionsOf(raw []any) []condition {
	out := make([]condition, 0, len(raw))
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		_, hasMsg := m["message"].(string)
		gen, hasGen, _ := unstructured.NestedInt64(m, "observedGeneration")
		out = append(out, condition{Type: s("type"), Status: s("status"), Reason: s("reason"), Message: s("message"),
			HasMessage: hasMsg, ObservedGeneration: gen, HasObservedGeneration: hasGen})
	}
	return out
}

func findCondition(conds []condition, t string) (condition, bool) {
	for _, c := range conds {
		if c.Type == t {
			return c, true
		}
	}
	return condition{}, false
}

// genericHealth reads the standard Ready (or Available) condition; a kind
// without one has no health.
func genericHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	c, ok := findCondition(conds, "Ready")
	if !ok {
		c, ok = findCondition(conds, "Available")
	}
	if !ok {
		return nil, nil
	}
	switch c.Status {
	case "True":
		return healthy(c.Message), nil
	case "False":
		if strings.Contains(c.Reason, "Fail") || strings.Contains(c.Reason, "Error") {
			return degraded(c.Message), nil
		}
	}
	return progressing(c.Message), nil
}
