package health

import "github.com/tiphys/tiphys/api/v1alpha1"

// clickhouse.altinity.com, as Argo CD assesses it
// (resource_customizations/clickhouse.altinity.com).
func init() {
	register("clickhouse.altinity.com", map[string]Check{
		// ClickHouseInstallation: status.status Completed is Healthy,
		// InProgress Progressing, any other Degraded; follows
		// resource_customizations/clickhouse.altinity.com/ClickHouseInstallation.
		"ClickHouseInstallation": altinityRule("ClickHouse"),
	})
}

// altinityRule is the Altinity operators' installation health by
// status.status, the product named in the messages.
func altinityRule(product string) Check {
	return stateRule{
		Path: []string{"status", "status"},
		States: map[string]phaseHealth{
			"Completed":  {Code: v1alpha1.HealthStatusHealthy, Message: product + " installation completed successfully"},
			"InProgress": {Code: v1alpha1.HealthStatusProgressing, Message: product + " installation in progress"},
		},
		Other:   &phaseHealth{Code: v1alpha1.HealthStatusDegraded, Message: product + " status: {state}"},
		Default: phaseHealth{Code: v1alpha1.HealthStatusProgressing, Message: product + " status not yet available"},
	}.check
}
