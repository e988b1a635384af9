package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// keda.sh, as Argo CD assesses it (resource_customizations/keda.sh).
func init() {
	register("keda.sh", map[string]Check{
		"ScaledObject": kedaRule{DegradedWhen: condTrue("Fallback"), Waiting: "Creating HorizontalPodAutoscaler Object"}.check,
		"ScaledJob":    kedaRule{DegradedWhen: condIs("Ready", "Unknown"), Waiting: "Waiting for ScaledJob"}.check,
	})
}

// kedaRule: every condition is read and the message is the last one's
// that counts: Ready False (or DegradedWhen) makes the object Degraded,
// else Ready True Healthy, Suspended when also Paused; else Progressing
// with the Waiting message.
type kedaRule struct {
	DegradedWhen func(condition) bool
	Waiting      string
}

func condTrue(t string) func(condition) bool { return condIs(t, "True") }

func condIs(t, status string) func(condition) bool {
	return func(c condition) bool { return c.Type == t && c.Status == status }
}

func (r kedaRule) check(obj *unstructured.Unstructured) (*Status, error) {
	var msg string
	var ready, paused, bad bool
	for _, c := range conditions(obj) {
		switch {
		case c.Type == "Ready" && c.Status == "False", r.DegradedWhen(c):
			bad = true
		case c.Type == "Ready" && c.Status == "True":
			ready = true
		case c.Type == "Paused" && c.Status == "True":
			paused = true
		default:
			continue
		}
		msg = c.Message
	}
	switch {
	case bad:
		return degraded(msg), nil
	case ready && paused:
		return suspended(msg), nil
	case ready:
		return healthy(msg), nil
	}
	return progressing(r.Waiting), nil
}
