package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// astra.netapp.io, as Argo CD assesses it (resource_customizations/astra.netapp.io).
func init() {
	// A run's status.state: Completed is Healthy, Running Progressing, any
	// other Degraded with the state as message; follows the Backup,
	// ExecHooksRun, ResourceBackup, ResticVolumeBackup and Snapshot kinds
	// of resource_customizations/astra.netapp.io.
	run := stateRule{
		Path: []string{"status", "state"},
		States: map[string]phaseHealth{
			"Completed": {Code: v1alpha1.HealthStatusHealthy, Message: "{kind} Completed"},
			"Running":   {Code: v1alpha1.HealthStatusProgressing, Message: "{kind} Running"},
		},
		Other:   &phaseHealth{Code: v1alpha1.HealthStatusDegraded, Message: "{state}"},
		Default: astraNoStatus,
	}.check
	register("astra.netapp.io", map[string]Check{
		// AppVault: status.state available is Healthy, failed Degraded;
		// follows resource_customizations/astra.netapp.io/AppVault.
		"AppVault": stateRule{
			Path: []string{"status", "state"},
			States: map[string]phaseHealth{
				"available": {Code: v1alpha1.HealthStatusHealthy, Message: "{kind} Available"},
				"Available": {Code: v1alpha1.HealthStatusHealthy, Message: "{kind} Available"},
				"failed":    {Code: v1alpha1.HealthStatusDegraded, Message: "{kind} Failed"},
				"Failed":    {Code: v1alpha1.HealthStatusDegraded, Message: "{kind} Failed"},
			},
			Default: astraNoStatus,
		}.check,
		"Application":        astraApplicationHealth,
		"Backup":             run,
		"ExecHook":           execHookHealth,
		"ExecHooksRun":       run,
		"ResourceBackup":     run,
		"ResticVolumeBackup": run,
		"Schedule":           astraScheduleHealth,
		"Snapshot":           run,
	})
}

var astraNoStatus = phaseHealth{Code: v1alpha1.HealthStatusProgressing, Message: "No status available"}

// astraApplicationHealth: the first Ready condition that is True is
// Healthy with status.protectionState, False Degraded with its message.
// Follows resource_customizations/astra.netapp.io/Application.
func astraApplicationHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Type != "Ready" {
			continue
		}
		switch c.Status {
		case "True":
			return healthy("Astra Application Ready, protectionState: " + valueText(valueAt(obj.Object, "status", "protectionState"))), nil
		case "False":
			return degraded("Astra Application Degraded, message: " + c.Message), nil
		}
	}
	return progressing(astraNoStatus.Message), nil
}

// execHookHealth: spec.enabled true is Healthy, false Suspended. Follows
// resource_customizations/astra.netapp.io/ExecHook.
func execHookHealth(obj *unstructured.Unstructured) (*Status, error) {
	switch valueAt(obj.Object, "spec", "enabled") {
	case true:
		return healthy(obj.GetKind() + " enabled"), nil
	case false:
		return suspended(obj.GetKind() + " disabled"), nil
	}
	return progressing(astraNoStatus.Message), nil
}

// astraScheduleHealth: a protection schedule is always Healthy, with its
// status.lastScheduleTime once it has run. Follows
// resource_customizations/astra.netapp.io/Schedule.
func astraScheduleHealth(obj *unstructured.Unstructured) (*Status, error) {
	if t := valueAt(obj.Object, "status", "lastScheduleTime"); t != nil {
		return healthy("Protection policy lastScheduleTime: " + valueText(t)), nil
	}
	return healthy("Protection policy not yet executed"), nil
}
