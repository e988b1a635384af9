package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// ocs.openshift.io, as Argo CD assesses it (resource_customizations/ocs.openshift.io).
func init() {
	register("ocs.openshift.io", map[string]Check{"StorageCluster": storageClusterHealth})
}

// storageClusterHealth: a True Degraded condition wins, then a True
// Progressing one, then a True Available one (Healthy), each with the
// last such condition's message; else Unknown. Follows
// resource_customizations/ocs.openshift.io/StorageCluster.
func storageClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	var found [3]*Status
	for _, c := range conditions(obj) {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "Degraded":
			found[0] = degraded(c.Message)
		case "Progressing":
			found[1] = progressing(c.Message)
		case "Available":
			found[2] = healthy(c.Message)
		}
	}
	for _, st := range found {
		if st != nil {
			return st, nil
		}
	}
	return statusOf(codeUnknown, "StorageCluster is in an unknown state."), nil
}
