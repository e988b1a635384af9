package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// apps.openshift.io, as Argo CD assesses it (resource_customizations/apps.openshift.io).
func init() {
	register("apps.openshift.io", map[string]Check{"DeploymentConfig": deploymentConfigHealth})
}

// deploymentConfigHealth counts the True conditions that are Available or
// Progressing for the reason NewReplicationControllerAvailable: both (or
// no replicas) is Healthy, one Progressing, any other count Degraded.
// Without conditions and replicas in the status it is Progressing.
// Follows resource_customizations/apps.openshift.io/DeploymentConfig.
func deploymentConfigHealth(obj *unstructured.Unstructured) (*Status, error) {
	const waiting = "replication controller is waiting for pods to run"
	replicas := valueAt(obj.Object, "status", "replicas")
	if valueAt(obj.Object, "status", "conditions") == nil || replicas == nil {
		return progressing(waiting), nil
	}
	n := 0
	for _, c := range conditions(obj) {
		if c.Status == "True" && (c.Type == "Available" || c.Type == "Progressing" && c.Reason == "NewReplicationControllerAvailable") {
			n++
		}
	}
	switch {
	case n == 2 || sameValue(replicas, int64(0)):
		return healthy("replication controller successfully rolled out"), nil
	case n == 1:
		return progressing(waiting), nil
	}
	return degraded("Deployment config is degraded"), nil
}
