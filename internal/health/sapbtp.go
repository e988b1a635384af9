package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// services.cloud.sap.com, as Argo CD assesses it (resource_customizations/services.cloud.sap.com).
func init() {
	register("services.cloud.sap.com", map[string]Check{
		"ServiceBinding":  sapServiceHealth,
		"ServiceInstance": sapServiceHealth,
	})
}

// sapServiceHealth: a condition of another generation is Progressing; a
// Succeeded False or Failed True condition Degraded with its message;
// otherwise, with a list of conditions, Healthy. Follows
// resource_customizations/services.cloud.sap.com/ServiceBinding and
// ServiceInstance. (A deleting object is Progressing before any check.)
func sapServiceHealth(obj *unstructured.Unstructured) (*Status, error) {
	raw, ok := lookList(obj.Object, "status", "conditions")
	if !ok {
		return progressing("Waiting for status"), nil
	}
	gen, hasGen := lookNum(obj.Object, "metadata", "generation")
	for _, r := range raw {
		m, _ := r.(map[string]any)
		if seen, ok := lookNum(m, "observedGeneration"); ok && hasGen && seen != gen {
			return progressing("Waiting for spec update to be observed"), nil
		}
		c := conditionsOf([]any{r})
		if len(c) == 1 && (c[0].Type == "Succeeded" && c[0].Status == "False" || c[0].Type == "Failed" && c[0].Status == "True") {
			return degraded(c[0].Message), nil
		}
	}
	return healthy("Ready to use"), nil
}
