package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
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

// phaseRule is the other common shape: status.phase picks the health from
// a table. Without a status the object is Progressing with Waiting; with a
// phase the table does not know, it has no health (Argo CD's script then
// returns no status).
type phaseRule struct {
	Phases  map[string]phaseHealth
	Waiting string
}

// phaseHealth is a phase's health; with FromStatus, status.message (when
// there is one) replaces the fixed message.
type phaseHealth struct {
	Code       v1alpha1.HealthStatusCode
	Message    string
	FromStatus bool
}

func (r phaseRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"]; !ok {
		return progressing(r.Waiting), nil
	}
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	p, ok := r.Phases[phase]
	if !ok {
		return nil, nil
	}
	msg := p.Message
	if m, ok, _ := unstructured.NestedString(obj.Object, "status", "message"); ok && p.FromStatus {
		msg = m
	}
	return &Status{Code: p.Code, Message: msg}, nil
}
