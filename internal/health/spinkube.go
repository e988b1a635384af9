package health

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// core.spinkube.dev, as Argo CD assesses it (resource_customizations/core.spinkube.dev).
func init() {
	register("core.spinkube.dev", map[string]Check{"SpinApp": spinAppHealth})
}

// spinAppHealth: a Progressing condition False for a missed deadline (or
// a message of a timeout or failure) is Degraded; then the last Available
// condition must be True, else Degraded with its message; fewer
// status.readyReplicas than spec.replicas (default 1) is Progressing, as
// is a Progressing condition True; otherwise Healthy. Follows
// resource_customizations/core.spinkube.dev/SpinApp.
func spinAppHealth(obj *unstructured.Unstructured) (*Status, error) {
	if obj.Object["status"] == nil {
		return progressing("Waiting for status to be available"), nil
	}
	var available, rolling bool
	var availableMsg, rollingMsg string
	for _, c := range conditions(obj) {
		switch c.Type {
		case "Progressing":
			lower := strings.ToLower(c.Message)
			if c.Status == "False" && (c.Reason == "ProgressDeadlineExceeded" || strings.Contains(lower, "timeout") || strings.Contains(lower, "failed")) {
				return degraded(c.messageOr("Application deployment has failed")), nil
			}
			if c.Status == "True" {
				rolling, rollingMsg = true, c.messageOr("Application progress status")
			}
		case "Available":
			if c.Status == "True" {
				available, availableMsg = true, c.messageOr("Application availability status")
			} else {
				available, availableMsg = false, c.messageOr("Application is not available")
			}
		}
	}
	if !available {
		return degraded(availableMsg), nil
	}
	ready := int64(numberOr(obj.Object, 0, "status", "readyReplicas"))
	desired := int64(numberOr(obj.Object, 1, "spec", "replicas"))
	if ready < desired {
		return progressing(fmt.Sprintf("Waiting for replicas to be ready (%d/%d)", ready, desired)), nil
	}
	if rolling {
		return progressing(rollingMsg), nil
	}
	return healthy(fmt.Sprintf("Application is healthy with %d/%d replicas ready", ready, desired)), nil
}
