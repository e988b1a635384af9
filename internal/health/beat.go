package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// beat.k8s.elastic.co, as Argo CD assesses it (resource_customizations/beat.k8s.elastic.co).
func init() {
	register("beat.k8s.elastic.co", map[string]Check{"Beat": beatHealth})
}

// beatHealth: status.health red is Degraded, green Healthy, yellow (or
// none yet, with expectedNodes reported) Progressing, with the node
// counts when both are known; any other health, or no status, Unknown.
// Follows resource_customizations/beat.k8s.elastic.co/Beat.
func beatHealth(obj *unstructured.Unstructured) (*Status, error) {
	const deploying = "Elastic Beat phase is progressing"
	st, _ := obj.Object["status"].(map[string]any)
	if st != nil && (st["health"] != nil || st["expectedNodes"] != nil) {
		switch st["health"] {
		case "red":
			return degraded("Elastic Beat status is Red"), nil
		case "green":
			return healthy("Elastic Beat status is Green"), nil
		case "yellow":
			if st["availableNodes"] != nil && st["expectedNodes"] != nil {
				return progressing("Elastic Beat status is deploying, there is " + valueText(st["availableNodes"]) +
					" instance(s) on " + valueText(st["expectedNodes"]) + " expected"), nil
			}
			return progressing(deploying), nil
		case nil:
			return progressing(deploying), nil
		}
	}
	return unknownHealth("Elastic Beat status is unknown. Ensure your ArgoCD is current and then check for/file a bug report: https://github.com/argoproj/argo-cd/issues"), nil
}
