package health

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

type condition struct {
	Type, Status, Reason, Message string
}

func conditions(obj *unstructured.Unstructured) []condition {
	raw, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	out := make([]condition, 0, len(raw))
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		out = append(out, condition{Type: s("type"), Status: s("status"), Reason: s("reason"), Message: s("message")})
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

func pvcHealth(obj *unstructured.Unstructured) (*Status, error) {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	switch phase {
	case "Lost":
		return degraded(""), nil
	case "Bound":
		return healthy(""), nil
	}
	return progressing(""), nil
}

func hpaHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	for _, c := range conds {
		if (c.Type == "AbleToScale" || c.Type == "ScalingActive") && c.Status == "False" && strings.HasPrefix(c.Reason, "Failed") {
			return degraded(c.Message), nil
		}
	}
	if c, ok := findCondition(conds, "AbleToScale"); ok && c.Status == "True" {
		return healthy(c.Message), nil
	}
	return progressing("Waiting for the HPA to be able to scale"), nil
}

func apiServiceHealth(obj *unstructured.Unstructured) (*Status, error) {
	c, ok := findCondition(conditions(obj), "Available")
	switch {
	case ok && c.Status == "True":
		return healthy(c.Message), nil
	case ok:
		return progressing(fmt.Sprintf("%s: %s", c.Reason, c.Message)), nil
	}
	return progressing("Waiting to be processed"), nil
}

func crdHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	if c, ok := findCondition(conds, "NamesAccepted"); ok && c.Status == "False" {
		return degraded(c.Message), nil
	}
	if c, ok := findCondition(conds, "Terminating"); ok && c.Status == "True" {
		return progressing(c.Message), nil
	}
	if c, ok := findCondition(conds, "Established"); ok && c.Status == "True" {
		return healthy(""), nil
	}
	return progressing("Waiting for the CRD to be established"), nil
}

// applicationHealth counts a child Application's own health, natively: an
// app-of-apps parent waits for its children.
func applicationHealth(obj *unstructured.Unstructured) (*Status, error) {
	code, _, _ := unstructured.NestedString(obj.Object, "status", "health", "status")
	msg, _, _ := unstructured.NestedString(obj.Object, "status", "health", "message")
	if code == "" {
		return progressing("Waiting for the application to be reconciled"), nil
	}
	return &Status{Code: v1alpha1.HealthStatusCode(code), Message: msg}, nil
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
