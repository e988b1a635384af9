package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// apps.3scale.net, as Argo CD assesses it (resource_customizations/apps.3scale.net).
func init() {
	register("apps.3scale.net", map[string]Check{"APIManager": apiManagerHealth})
}

// apiManagerHealth: status.deployments lists the deployments by state;
// all ready (none starting or stopped) is Healthy. Otherwise the first
// Available condition decides: True is Healthy, else with a reason
// Degraded. Anything else is Progressing. Follows
// resource_customizations/apps.3scale.net/APIManager.
func apiManagerHealth(obj *unstructured.Unstructured) (*Status, error) {
	const (
		available = "3scale APIManager is available"
		waiting   = "Waiting for 3scale APIManager status..."
	)
	if valueAt(obj.Object, "status") == nil {
		return progressing(waiting), nil
	}
	if d, ok := valueAt(obj.Object, "status", "deployments").(map[string]any); ok {
		if d["ready"] != nil && d["starting"] == nil && d["stopped"] == nil {
			return healthy(available), nil
		}
	}
	for _, c := range conditions(obj) {
		if c.Type != "Available" {
			continue
		}
		if c.Status == "True" {
			return healthy(available), nil
		}
		if c.Reason != "" {
			return degraded("3scale APIManager is degraded: " + c.Reason), nil
		}
	}
	return progressing(waiting), nil
}
