package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// flink.apache.org, as Argo CD assesses it (resource_customizations/flink.apache.org).
func init() {
	register("flink.apache.org", map[string]Check{"FlinkDeployment": flinkDeploymentHealth})
}

// flinkDeploymentHealth: once the operator reports
// status.reconciliationStatus, a successful reconciliation (or state
// DEPLOYED) is Healthy with no message; a job manager DEPLOYING or
// DEPLOYED_NOT_READY Progressing; in ERROR Degraded with the
// reconciliation's error. Otherwise Progressing. Follows
// resource_customizations/flink.apache.org/FlinkDeployment.
func flinkDeploymentHealth(obj *unstructured.Unstructured) (*Status, error) {
	rec, ok := valueAt(obj.Object, "status", "reconciliationStatus").(map[string]any)
	if ok {
		if truthy(rec["success"]) || rec["state"] == "DEPLOYED" {
			return healthy(""), nil
		}
		switch valueAt(obj.Object, "status", "jobManagerDeploymentStatus") {
		case "DEPLOYED_NOT_READY", "DEPLOYING":
			return progressing("Waiting for deploying"), nil
		case "ERROR":
			return degraded(valueText(rec["error"])), nil
		}
	}
	return progressing("Waiting for Flink operator"), nil
}
