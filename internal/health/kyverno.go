package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// kyverno.io, as Argo CD assesses it (resource_customizations/kyverno.io).
func init() {
	register("kyverno.io", map[string]Check{"Policy": kyvernoPolicyHealth})
}

// kyvernoPolicyHealth: Healthy once a Ready condition is True with reason
// Succeeded and message Ready, else Progressing. Follows
// resource_customizations/kyverno.io/Policy.
func kyvernoPolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Type == "Ready" && c.Status == "True" && c.Reason == "Succeeded" && c.Message == "Ready" {
			return healthy("Policy is ready"), nil
		}
	}
	return progressing("Waiting for Policy to be ready"), nil
}
