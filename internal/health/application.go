package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// applicationHealth counts a child Application's own health, natively: an
// app-of-apps parent waits for its children. A child whose health is not
// known (not reconciled yet, or Unknown for an invalid spec) says why with
// its error condition, so the parent shows the child's real error.
func applicationHealth(obj *unstructured.Unstructured) (*Status, error) {
	code, _, _ := unstructured.NestedString(obj.Object, "status", "health", "status")
	msg, _, _ := unstructured.NestedString(obj.Object, "status", "health", "message")
	if code == "" || code == string(v1alpha1.HealthStatusUnknown) {
		if cond := errorCondition(obj); cond != "" {
			msg = cond
		} else if code == "" {
			return progressing("Waiting for the application to be reconciled"), nil
		}
	}
	if code == "" {
		return progressing(msg), nil
	}
	return &Status{Code: v1alpha1.HealthStatusCode(code), Message: msg}, nil
}

// errorCondition is an Application's first error condition as "Type:
// message" ("" when it has none).
func errorCondition(obj *unstructured.Unstructured) string {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		t, _ := m["type"].(string)
		if strings.HasSuffix(t, "Error") {
			msg, _ := m["message"].(string)
			return t + ": " + msg
		}
	}
	return ""
}
