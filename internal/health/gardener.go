package health

import "github.com/tiphys/tiphys/api/v1alpha1"

// core.gardener.cloud, as Argo CD assesses it (resource_customizations/core.gardener.cloud).
func init() {
	register("core.gardener.cloud", map[string]Check{
		// Shoot: the label shoot.gardener.cloud/status, which Gardener keeps
		// as the shoot's overall state: healthy, progressing, unhealthy
		// (Degraded) or unknown; follows
		// resource_customizations/core.gardener.cloud/Shoot.
		"Shoot": stateRule{
			Path: []string{"metadata", "labels", "shoot.gardener.cloud/status"},
			States: map[string]phaseHealth{
				"healthy":     {Code: v1alpha1.HealthStatusHealthy, Message: "Component state: Healthy"},
				"progressing": {Code: v1alpha1.HealthStatusProgressing, Message: "Component state: Update in progress"},
				"unhealthy":   {Code: v1alpha1.HealthStatusDegraded, Message: "Component state: Unhealthy"},
				"unknown":     {Code: v1alpha1.HealthStatusUnknown, Message: "Component state: Unknown"},
			},
			Default: phaseHealth{Code: v1alpha1.HealthStatusProgressing, Message: "Update in progress"},
		}.check,
	})
}
