package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// work.karmada.io, as Argo CD assesses it (resource_customizations/work.karmada.io).
func init() {
	register("work.karmada.io", map[string]Check{
		"ClusterResourceBinding": karmadaBindingHealth(true),
		"ResourceBinding":        karmadaBindingHealth(false),
	})
}

// karmadaBindingHealth: Progressing until every target cluster of
// spec.clusters has an entry in status.aggregatedStatus (a
// ClusterResourceBinding needs clusters; a ResourceBinding without
// spec.clusters needs some entry); an entry Unhealthy, or Unknown and not
// applied, is Degraded; else Healthy. Follows
// resource_customizations/work.karmada.io/ClusterResourceBinding and
// ResourceBinding.
func karmadaBindingHealth(needClusters bool) Check {
	insufficient := progressing("Current resource status is insufficient")
	return func(obj *unstructured.Unstructured) (*Status, error) {
		if _, ok := lookMap(obj.Object, "status"); !ok {
			return insufficient, nil
		}
		clusters, hasClusters := lookList(obj.Object, "spec", "clusters")
		aggregated, hasAggregated := lookList(obj.Object, "status", "aggregatedStatus")
		if needClusters && len(clusters) == 0 || !needClusters && hasClusters && len(clusters) == 0 {
			return insufficient, nil
		}
		if !hasAggregated || !needClusters && len(aggregated) == 0 || hasClusters && len(clusters) != len(aggregated) {
			return insufficient, nil
		}
		for _, a := range aggregated {
			m, _ := a.(map[string]any)
			if m["health"] == "Unhealthy" || m["health"] == "Unknown" && m["applied"] != true {
				return degraded("Current resource status is unhealthy"), nil
			}
		}
		return healthy(""), nil
	}
}
