package health

import "github.com/tiphys/tiphys/api/v1alpha1"

// coralogix.com, as Argo CD assesses it (resource_customizations/coralogix.com).
func init() {
	// The first RemoteSynced condition: True is Healthy, False Degraded
	// with its message; follows the Alert and RecordingRuleGroupSet kinds
	// of resource_customizations/coralogix.com.
	synced := condRule{
		When: map[condKey]condOutcome{
			{"RemoteSynced", "True"}:  {Code: v1alpha1.HealthStatusHealthy, Message: "Resource is ready"},
			{"RemoteSynced", "False"}: {Code: v1alpha1.HealthStatusDegraded, FromCondition: true},
		},
		Waiting: "Waiting for status to be updated",
	}.check
	register("coralogix.com", map[string]Check{
		"Alert":                 synced,
		"RecordingRuleGroupSet": synced,
	})
}
