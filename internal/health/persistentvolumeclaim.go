package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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
