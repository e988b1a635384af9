package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// readyRule is the shape most custom resources share in Argo CD's
// assessments: the conditions are read in order, and the first
// ProgressingWhen condition that is True makes the object Progressing,
// then the first Ready condition decides (True: Healthy, False: Degraded,
// both with its message); without one the object is Progressing with the
// Waiting message. A table of these per API group is the declarative
// form; kinds that need more are Go functions beside them.
type readyRule struct {
	// ProgressingWhen are condition types that, True, mean the object is
	// still being worked on whatever Ready says (cert-manager's Issuing).
	ProgressingWhen []string
	// Waiting is the message while no condition decides.
	Waiting string
}

func (r readyRule) check(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	for _, c := range conds {
		for _, t := range r.ProgressingWhen {
			if c.Type == t && c.Status == "True" {
				return progressing(c.Message), nil
			}
		}
	}
	for _, c := range conds {
		if c.Type != "Ready" {
			continue
		}
		switch c.Status {
		case "True":
			return healthy(c.Message), nil
		case "False":
			return degraded(c.Message), nil
		}
	}
	return progressing(r.Waiting), nil
}

// register adds the checks of one API group to the built-in ones.
func register(group string, kinds map[string]Check) {
	for kind, c := range kinds {
		checks[schema.GroupKind{Group: group, Kind: kind}] = c
	}
}
