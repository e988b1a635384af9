package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// monitoring.coreos.com, as Argo CD assesses it
// (resource_customizations/monitoring.coreos.com: Prometheus only).
func init() {
	register("monitoring.coreos.com", map[string]Check{
		"Prometheus": prometheusHealth,
	})
}

// prometheusHealth: the last Available condition decides: True is Healthy
// "All instances are available"; otherwise Progressing when the reason is
// SomePodsNotReady, else Degraded, with the message (or the reason).
func prometheusHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("Waiting for initialization")
	for _, c := range conditions(obj) {
		switch {
		case c.Type != "Available":
		case c.Status == "True":
			st = healthy("All instances are available")
		case c.Reason == "SomePodsNotReady":
			st = progressing(c.messageOr(c.Reason))
		default:
			st = degraded(c.messageOr(c.Reason))
		}
	}
	return st, nil
}
