package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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
