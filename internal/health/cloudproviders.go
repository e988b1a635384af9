package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// Every kind of Google's Config Connector (*.cnrm.cloud.google.com) and of
// AWS Controllers for Kubernetes (*.services.k8s.aws), as Argo CD assesses
// them (resource_customizations/_.cnrm.cloud.google.com/_ and
// _.services.k8s.aws/_).
func init() {
	registerWildcard("*.cnrm.cloud.google.com", "*", configConnectorHealth)
	registerWildcard("*.services.k8s.aws", "*", ackHealth)
}

// configConnectorHealth: ConfigConnector and ConfigConnectorContext report
// status.healthy (true Healthy "<Kind> is healthy", false Degraded "<Kind>
// is not healthy"); other kinds read their conditions in order by reason:
// UpToDate and True Healthy, UpdateFailed or DependencyNotFound Degraded,
// DependencyNotReady Suspended, each with the condition's message. Status
// of an older generation (status.observedGeneration set and behind) is not
// read; else Progressing "Update in progress".
func configConnectorHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Update in progress")
	status, ok := obj.Object["status"].(map[string]any)
	if !ok {
		return waiting, nil
	}
	observed, hasObserved, _ := unstructured.NestedInt64(status, "observedGeneration")
	current := !hasObserved || observed == obj.GetGeneration()
	if k := obj.GetKind(); k == "ConfigConnector" || k == "ConfigConnectorContext" {
		if h, ok := status["healthy"].(bool); ok && current {
			if h {
				return healthy(k + " is healthy"), nil
			}
			return degraded(k + " is not healthy"), nil
		}
	}
	if !current {
		return waiting, nil
	}
	for _, c := range conditions(obj) {
		switch {
		case c.Reason == "UpToDate" && c.Status == "True":
			return healthy(c.Message), nil
		case c.Reason == "UpdateFailed", c.Reason == "DependencyNotFound":
			return degraded(c.Message), nil
		case c.Reason == "DependencyNotReady":
			return suspended(c.Message), nil
		}
	}
	return waiting, nil
}

// ackHealth: the first ACK.Terminal condition that is True is Degraded,
// the first Ready condition False Progressing (both with its message) or
// True Healthy; else Progressing "Waiting for resource to be ready".
func ackHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Type == "ACK.Terminal" && c.Status == "True" {
			return degraded(c.Message), nil
		}
		if c.Type == "Ready" {
			switch c.Status {
			case "False":
				return progressing(c.Message), nil
			case "True":
				return healthy(""), nil
			}
		}
	}
	return progressing("Waiting for resource to be ready"), nil
}
