package health

import (
	"github.com/tiphys/tiphys/api/v1alpha1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

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
