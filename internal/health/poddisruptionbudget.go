package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// pdbHealth is a PodDisruptionBudget's health as Argo CD assesses it
// (resource_customizations/policy/PodDisruptionBudget): its conditions in
// order, the first False one whose reason is not InsufficientPods (which
// has valid uses) is Degraded, any other makes it Healthy, the message
// "PodDisruptionBudget has <reason>"; without conditions Progressing.
func pdbHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("Waiting for status")
	for _, c := range conditions(obj) {
		if c.Status == "False" && c.Reason != "InsufficientPods" {
			return degraded("PodDisruptionBudget has " + c.Reason), nil
		}
		st = healthy("PodDisruptionBudget has " + c.Reason)
	}
	return st, nil
}
