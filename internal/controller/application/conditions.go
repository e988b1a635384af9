package application

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// setConditions replaces the conditions, keeping the transition time of
// those that did not change.
func setConditions(app *v1alpha1.Application, conds []v1alpha1.ApplicationCondition) {
	now := metav1.Now()
	old := map[string]v1alpha1.ApplicationCondition{}
	for _, c := range app.Status.Conditions {
		old[c.Type+"\x00"+c.Message] = c
	}
	out := make([]v1alpha1.ApplicationCondition, 0, len(conds))
	seen := map[string]bool{}
	for _, c := range conds {
		k := c.Type + "\x00" + c.Message
		if seen[k] {
			continue
		}
		seen[k] = true
		if prev, ok := old[k]; ok && prev.LastTransitionTime != nil {
			c.LastTransitionTime = prev.LastTransitionTime
		} else {
			c.LastTransitionTime = &now
		}
		out = append(out, c)
	}
	app.Status.Conditions = out
}
