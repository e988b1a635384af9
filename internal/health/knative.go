package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// serving.knative.dev, as Argo CD assesses it
// (resource_customizations/serving.knative.dev: Service only).
func init() {
	register("serving.knative.dev", map[string]Check{
		"Service": knativeServiceHealth,
	})
}

// knativeServiceHealth: Healthy when ConfigurationsReady, RoutesReady and
// Ready are True and no condition is False or Unknown; Degraded when one
// is False; else Progressing. The message has a line for each condition
// that is False or Unknown: "<Type> is <Status>[, since <Reason>.][ <Message>]".
func knativeServiceHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"]; !ok {
		return progressing("Waiting for status update."), nil
	}
	if _, ok := nestedList(obj.Object, "status", "conditions"); !ok {
		return progressing("Waiting for status update."), nil
	}
	var msg string
	ready, failed, unknown := 0, 0, 0
	for _, c := range conditions(obj) {
		switch {
		case c.Status == "True" && (c.Type == "ConfigurationsReady" || c.Type == "RoutesReady" || c.Type == "Ready"):
			ready++
		case c.Status == "False" || c.Status == "Unknown":
			line := c.Type + " is " + c.Status
			if c.Reason != "" {
				line += ", since " + c.Reason + "."
			}
			if c.Message != "" {
				line += " " + c.Message
			}
			msg += line + "\n"
			if c.Status == "False" {
				failed++
			} else {
				unknown++
			}
		}
	}
	switch {
	case ready == 3 && failed == 0 && unknown == 0:
		return healthy("Knative Service is healthy."), nil
	case failed > 0:
		return degraded(msg), nil
	}
	return progressing(msg), nil
}
