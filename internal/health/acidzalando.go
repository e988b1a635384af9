package health

import "github.com/tiphys/tiphys/api/v1alpha1"

// acid.zalan.do, as Argo CD assesses it (resource_customizations/acid.zalan.do).
func init() {
	register("acid.zalan.do", map[string]Check{
		// postgresql: status.PostgresClusterStatus, which is also the
		// message: Running is Healthy, Creating and Updating Progressing,
		// any other (CreateFailed, SyncFailed, Invalid...) Degraded; follows
		// resource_customizations/acid.zalan.do/postgresql.
		"postgresql": stateRule{
			Path: []string{"status", "PostgresClusterStatus"},
			States: map[string]phaseHealth{
				"Running":  {Code: v1alpha1.HealthStatusHealthy, Message: "{state}"},
				"Creating": {Code: v1alpha1.HealthStatusProgressing, Message: "{state}"},
				"Updating": {Code: v1alpha1.HealthStatusProgressing, Message: "{state}"},
			},
			Other:   &phaseHealth{Code: v1alpha1.HealthStatusDegraded, Message: "{state}"},
			Default: phaseHealth{Code: v1alpha1.HealthStatusProgressing, Message: "Waiting for postgres cluster status..."},
		}.check,
	})
}
