package health

import (
	"regexp"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// opentelemetry.io, as Argo CD assesses it (resource_customizations/opentelemetry.io).
func init() {
	register("opentelemetry.io", map[string]Check{"OpenTelemetryCollector": otelCollectorHealth})
}

var readyOfTotal = regexp.MustCompile(`(\d+)/(\d+)`)

// otelCollectorHealth reads status.scale.statusReplicas ("ready/total"):
// none ready is Degraded (Healthy for a daemonset of no eligible nodes),
// all ready Healthy, else Progressing; without it a sidecar collector is
// Healthy, others Progressing. Follows
// resource_customizations/opentelemetry.io/OpenTelemetryCollector.
func otelCollectorHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return progressing("Waiting for OpenTelemetry Collector status"), nil
	}
	mode, _ := lookStr(obj.Object, "spec", "mode")
	raw, _, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "scale", "statusReplicas")
	if raw == nil {
		if mode == "sidecar" {
			return healthy("Collector is running in sidecar mode"), nil
		}
		return progressing("Scale status not available"), nil
	}
	m := readyOfTotal.FindStringSubmatch(luaString(raw))
	if m == nil {
		return progressing("Unable to parse replica status: " + luaString(raw)), nil
	}
	ready, _ := strconv.ParseFloat(m[1], 64)
	total, _ := strconv.ParseFloat(m[2], 64)
	switch {
	case ready == 0 && mode == "daemonset" && total == 0:
		return healthy("DaemonSet has no eligible nodes (0/0)"), nil
	case ready == 0:
		return degraded("No replicas are ready"), nil
	case ready == total:
		return healthy("All replicas are ready"), nil
	}
	return progressing("Replicas are starting up"), nil
}
