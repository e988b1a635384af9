package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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
	// Type is the deciding condition's type; empty means Ready.
	Type string
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
	want := r.Type
	if want == "" {
		want = "Ready"
	}
	for _, c := range conds {
		if c.Type != want {
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

// phaseRule is the other common shape: status.phase picks the health from
// a table. Without a status the object is Progressing with Waiting; with a
// phase the table does not know, it has no health (Argo CD's script then
// returns no status).
type phaseRule struct {
	Phases  map[string]phaseHealth
	Waiting string
	// Path is the field holding the phase under status; empty means
	// status.phase (["state"] reads status.state).
	Path []string
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
	field := r.Path
	if len(field) == 0 {
		field = []string{"phase"}
	}
	phase, _, _ := unstructured.NestedString(obj.Object, append([]string{"status"}, field...)...)
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

// The health codes, short, for the rule tables.
const (
	codeHealthy     = v1alpha1.HealthStatusHealthy
	codeProgressing = v1alpha1.HealthStatusProgressing
	codeDegraded    = v1alpha1.HealthStatusDegraded
	codeSuspended   = v1alpha1.HealthStatusSuspended
	codeUnknown     = v1alpha1.HealthStatusUnknown
	codeMissing     = v1alpha1.HealthStatusMissing
)

// statusOf is a status of any code.
func statusOf(code v1alpha1.HealthStatusCode, msg string) *Status {
	return &Status{Code: code, Message: msg}
}

// condRule: the conditions are read in order and the first whose type and
// status are in When decides; without one the object is Progressing with
// the Waiting message.
type condRule struct {
	When    map[condKey]condOutcome
	Waiting string
}

// condKey is a condition's type and status.
type condKey struct{ Type, Status string }

// condOutcome is what a deciding condition means: its Code with Message,
// or with FromCondition the condition's own message (Message when the
// condition has none).
type condOutcome struct {
	Code          v1alpha1.HealthStatusCode
	Message       string
	FromCondition bool
}

func (r condRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if st, ok := r.decide(obj); ok {
		return st, nil
	}
	return progressing(r.Waiting), nil
}

// decide is the deciding condition's health, if a condition decides.
func (r condRule) decide(obj *unstructured.Unstructured) (*Status, bool) {
	for _, c := range conditions(obj) {
		o, ok := r.When[condKey{c.Type, c.Status}]
		if !ok {
			continue
		}
		msg := o.Message
		if o.FromCondition {
			msg = c.messageOr(o.Message)
		}
		return &Status{Code: o.Code, Message: msg}, true
	}
	return nil, false
}

// stateRule: one field of the object (a string) picks the health from
// States. A value States does not know takes Other when set, else
// Default, as does an absent field. Messages may hold {kind} (the
// object's kind) and {state} (the field's value).
type stateRule struct {
	// Path is the field's path from the object's root.
	Path    []string
	States  map[string]phaseHealth
	Other   *phaseHealth
	Default phaseHealth
	// NeedStatus: an object without status is Unknown, as Argo CD's script
	// then fails reading a field of the missing status.
	NeedStatus bool
}

func (r stateRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"].(map[string]any); !ok && r.NeedStatus {
		return unknownHealth("no status to read " + strings.Join(r.Path, ".")), nil
	}
	h := r.Default
	state, ok := valueAt(obj.Object, r.Path...).(string)
	if ok {
		if s, known := r.States[state]; known {
			h = s
		} else if r.Other != nil {
			h = *r.Other
		}
	}
	msg := strings.NewReplacer("{kind}", obj.GetKind(), "{state}", state).Replace(h.Message)
	return &Status{Code: h.Code, Message: msg}, nil
}

// condScan reads the conditions in order; the first condition one of the
// Cases matches decides (with ByCase, the first case any condition
// matches). Without a decision the object is Progressing with Waiting,
// or, with Last and at least one condition, with Last of the last
// condition (Argo CD's scripts that keep each condition's message).
type condScan struct {
	Cases   []condCase
	ByCase  bool
	Waiting string
	Last    func(condition) string
}

// condCase matches a condition by type, status and reason (empty: any;
// NotReason excludes one reason) and gives Code with Msg of the condition
// (nil: its message).
type condCase struct {
	Type, Status, Reason, NotReason string
	Code                            v1alpha1.HealthStatusCode
	Msg                             func(condition) string
}

func (c condCase) matches(cond condition) bool {
	return (c.Type == "" || c.Type == cond.Type) && (c.Status == "" || c.Status == cond.Status) &&
		(c.Reason == "" || c.Reason == cond.Reason) && (c.NotReason == "" || c.NotReason != cond.Reason)
}

func (c condCase) status(cond condition) *Status {
	msg := cond.Message
	if c.Msg != nil {
		msg = c.Msg(cond)
	}
	return statusOf(c.Code, msg)
}

// say is a fixed message for a condCase.
func say(text string) func(condition) string { return func(condition) string { return text } }

// condMessage is the condition's message.
func condMessage(c condition) string { return c.Message }

// reasonSpaceMessage is "<reason> <message>".
func reasonSpaceMessage(c condition) string { return c.Reason + " " + c.Message }

func (r condScan) check(obj *unstructured.Unstructured) (*Status, error) {
	return r.over(conditions(obj)), nil
}

func (r condScan) over(conds []condition) *Status {
	if r.ByCase {
		for _, k := range r.Cases {
			for _, c := range conds {
				if k.matches(c) {
					return k.status(c)
				}
			}
		}
	} else {
		for _, c := range conds {
			for _, k := range r.Cases {
				if k.matches(c) {
					return k.status(c)
				}
			}
		}
	}
	if r.Last != nil && len(conds) > 0 {
		return progressing(r.Last(conds[len(conds)-1]))
	}
	return progressing(r.Waiting)
}

// unknownHealth is Unknown with a message, for objects a check cannot read
// (where Argo CD's script would fail).
func unknownHealth(msg string) *Status {
	return &Status{Code: v1alpha1.HealthStatusUnknown, Message: msg}
}
