package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// openfaas.com, as Argo CD assesses it (resource_customizations/openfaas.com).
func init() {
	register("openfaas.com", map[string]Check{"Function": openfaasFunctionHealth})
}

// openfaasFunctionHealth: the first condition that is Ready False or
// Stalled True is Degraded, Ready True Healthy with replicas or Suspended
// without; else Progressing. Follows resource_customizations/openfaas.com/Function.
func openfaasFunctionHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		switch {
		case c.Type == "Ready" && c.Status == "False", c.Type == "Stalled" && c.Status == "True":
			return degraded(c.Message), nil
		case c.Type == "Ready" && c.Status == "True":
			if n, ok := lookNum(obj.Object, "status", "replicas"); ok && n > 0 {
				return healthy(c.Message), nil
			}
			return suspended("No replicas available"), nil
		}
	}
	return progressing("Waiting for Function"), nil
}
