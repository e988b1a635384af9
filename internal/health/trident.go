package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// trident.netapp.io, as Argo CD assesses it (resource_customizations/trident.netapp.io).
func init() {
	register("trident.netapp.io", map[string]Check{
		"TridentBackendConfig": tridentBackendConfigHealth,
		"TridentOrchestrator":  tridentOrchestratorHealth,
	})
}

// tridentBackendConfigHealth: bound with a successful last operation is
// Healthy, a failed last operation Degraded, both with status.message.
// Follows resource_customizations/trident.netapp.io/TridentBackendConfig.
func tridentBackendConfigHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, _ := lookMap(obj.Object, "status")
	msg, _ := status["message"].(string)
	switch {
	case status["phase"] == "Bound" && status["lastOperationStatus"] == "Success":
		return healthy(msg), nil
	case status["lastOperationStatus"] == "Failed":
		return degraded(msg), nil
	}
	return progressing("Waiting for backend creation"), nil
}

// tridentOrchestratorHealth: status.status Installed is Healthy, Failed
// or Error Degraded, both with status.message. Follows
// resource_customizations/trident.netapp.io/TridentOrchestrator.
func tridentOrchestratorHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, _ := lookMap(obj.Object, "status")
	msg, _ := status["message"].(string)
	switch status["status"] {
	case "Installed":
		return healthy(msg), nil
	case "Failed", "Error":
		return degraded(msg), nil
	}
	return progressing("Waiting for trident installation"), nil
}
