package health

import (
	"path"
	"sort"

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

// register adds the checks of one API group to the built-in ones.
func register(group string, kinds map[string]Check) {
	for kind, c := range kinds {
		checks[schema.GroupKind{Group: group, Kind: kind}] = c
	}
}

// wildcard is a built-in check for every kind of the API groups a glob
// matches, as Argo CD's resource_customizations/_.<domain>/_ directories
// (`*.crossplane.io`: every kind of every group under crossplane.io).
type wildcard struct {
	// Group is a path.Match pattern over the group, Kind over the kind.
	Group, Kind string
	Check       Check
}

// wildcards are consulted after the exact checks, in registration order
// sorted by pattern, as Argo CD looks up an exact script before a glob.
var wildcards []wildcard

// registerWildcard adds a check for every kind matching the globs.
func registerWildcard(group, kind string, c Check) {
	wildcards = append(wildcards, wildcard{Group: group, Kind: kind, Check: c})
	sort.SliceStable(wildcards, func(i, j int) bool { return wildcards[i].Group < wildcards[j].Group })
}

func wildcardCheck(gk schema.GroupKind) (Check, bool) {
	for _, w := range wildcards {
		if g, _ := path.Match(w.Group, gk.Group); !g {
			continue
		}
		if k, _ := path.Match(w.Kind, gk.Kind); k {
			return w.Check, true
		}
	}
	return nil, false
}

// BuiltIn lists the kinds with a built-in check as "group/Kind" (core
// kinds as "Kind"), wildcards as their globs ("*.crossplane.io/*"), sorted.
func BuiltIn() []string {
	out := make([]string, 0, len(checks)+len(wildcards))
	for gk := range checks {
		if gk.Group == "" {
			out = append(out, gk.Kind)
			continue
		}
		out = append(out, gk.Group+"/"+gk.Kind)
	}
	for _, w := range wildcards {
		out = append(out, w.Group+"/"+w.Kind)
	}
	sort.Strings(out)
	return out
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
