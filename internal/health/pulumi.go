package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// pulumi.com, as Argo CD assesses it (resource_customizations/pulumi.com).
func init() {
	register("pulumi.com", map[string]Check{"Stack": pulumiStackHealth})
}

// pulumiStack: the first condition Stalled True (Degraded), Reconciling
// True (Progressing) or Ready True (Healthy) decides, with its message.
var pulumiStack = condScan{Waiting: "Waiting for the stack to be reconciled", Cases: []condCase{
	{Type: "Stalled", Status: "True", Code: codeDegraded},
	{Type: "Reconciling", Status: "True", Code: codeProgressing},
	{Type: "Ready", Status: "True", Code: codeHealthy},
}}

// pulumiStackHealth: Progressing until status.observedGeneration is the
// generation, then pulumiStack. Follows resource_customizations/pulumi.com/Stack.
func pulumiStackHealth(obj *unstructured.Unstructured) (*Status, error) {
	_, hasStatus := lookMap(obj.Object, "status")
	seen, hasSeen := lookNum(obj.Object, "status", "observedGeneration")
	gen, hasGen := lookNum(obj.Object, "metadata", "generation")
	if !hasStatus || hasSeen != hasGen || seen != gen {
		return progressing("Waiting for the operator to observe the latest spec change"), nil
	}
	return pulumiStack.check(obj)
}
