package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

func loadBalancerReady(obj *unstructured.Unstructured) bool {
	ingress, _, _ := unstructured.NestedSlice(obj.Object, "status", "loadBalancer", "ingress")
	return len(ingress) > 0
}

func serviceHealth(obj *unstructured.Unstructured) (*Status, error) {
	if t, _, _ := unstructured.NestedString(obj.Object, "spec", "type"); t == "LoadBalancer" && !loadBalancerReady(obj) {
		return progressing(""), nil
	}
	return healthy(""), nil
}
