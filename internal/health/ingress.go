package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

func ingressHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !loadBalancerReady(obj) {
		return progressing(""), nil
	}
	return healthy(""), nil
}
