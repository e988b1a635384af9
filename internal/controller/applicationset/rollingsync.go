package applicationset

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const (
	// RolloutStepAnnotation marks an Application of a RollingSync set with
	// its step (1-based): its health then drives the set.
	RolloutStepAnnotation = "applicationset.tiphys.io/rollout-step"
	// HoldAnnotation on a generated Application ("true") keeps it out of a
	// RollingSync rollout: it is skipped, with automated sync off, until
	// the annotation goes (preserve it with preservedFields).
	HoldAnnotation = "applicationset.tiphys.io/hold"
)

// rollout is a RollingSync's progress: each generated app's step, the
// step reached (every app of the steps before it Synced and Healthy at the
// set's current content), and which apps of the reached step may sync now
// (maxUpdate at a time). Unlike Argo CD, which turns automated sync off on
// every generated app and syncs them itself, apps of reached steps keep
// the template's automated sync; apps not reached yet have it off; apps
// whose template has no automated sync get a sync when their turn comes.
type rollout struct {
	stepOf  map[string]int
	reached int
	allowed map[string]bool
	status  map[string]v1alpha1.ApplicationSetApplicationStatus
	pending int
}

func (ro *rollout) active() bool { return ro.pending > 0 }

// planRollout places the desired apps in steps (the first whose match
// expressions their labels meet; apps no step selects go last) and decides
// who may sync now.
func planRollout(set *v1alpha1.ApplicationSet, desired, owned map[string]*v1alpha1.Application) *rollout {
	var steps []v1alpha1.ApplicationSetRolloutStep
	if rs := set.Spec.Strategy.RollingSync; rs != nil {
		steps = rs.Steps
	}
	ro := &rollout{stepOf: map[string]int{}, allowed: map[string]bool{}, status: map[string]v1alpha1.ApplicationSetApplicationStatus{}}
	byStep := make([][]string, len(steps)+1)
	for _, name := range names(desired) {
		s := len(steps)
		for i, step := range steps {
			if matches(step.MatchExpressions, desired[name].Labels) {
				s = i
				break
			}
		}
		ro.stepOf[name] = s
		byStep[s] = append(byStep[s], name)
	}
	done := func(name string) bool {
		have := owned[name]
		if have == nil {
			return false
		}
		if have.Annotations[HoldAnnotation] == "true" {
			return true
		}
		return have.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && have.Status.Health.Status == v1alpha1.HealthStatusHealthy &&
			equalJSON(specWithoutAutomation(have.Spec), specWithoutAutomation(desired[name].Spec))
	}
	ro.reached = len(byStep)
	for i, apps := range byStep {
		if !slices.ContainsFunc(apps, func(n string) bool { return !done(n) }) {
			continue
		}
		ro.reached = i
		break
	}
	for i, apps := range byStep {
		budget := len(apps)
		if i < len(steps) {
			budget = maxUpdate(steps[i].MaxUpdate, len(apps))
		}
		for _, name := range apps {
			st := v1alpha1.ApplicationSetApplicationStatus{Application: name, Step: strconv.Itoa(i + 1),
				TargetRevisions: targetRevisions(desired[name])}
			held := owned[name] != nil && owned[name].Annotations[HoldAnnotation] == "true"
			switch {
			case held:
				st.Status, st.Message = "Waiting", "Held by the annotation "+HoldAnnotation
			case done(name):
				st.Status, st.Message = "Healthy", "Application is Synced and Healthy"
				if i <= ro.reached {
					ro.allowed[name] = true // a reached step keeps its automated sync
				}
			case i <= ro.reached && budget > 0:
				budget--
				ro.allowed[name] = true
				ro.pending++
				st.Status, st.Message = "Progressing", "Application may sync: its step has been reached"
			default:
				ro.pending++
				st.Status, st.Message = "Waiting", fmt.Sprintf("Waiting for step %d, or for a free slot of maxUpdate", i+1)
			}
			ro.status[name] = st
		}
	}
	return ro
}

// gate adjusts a generated app to the rollout: its step annotation, and
// automated sync off unless it may sync now; an app whose template has no
// automated sync gets a sync operation when its turn comes.
func (ro *rollout) gate(want, have *v1alpha1.Application) {
	if want.Annotations == nil {
		want.Annotations = map[string]string{}
	}
	want.Annotations[RolloutStepAnnotation] = strconv.Itoa(ro.stepOf[want.Name] + 1)
	if have != nil {
		if v, ok := have.Annotations[HoldAnnotation]; ok {
			want.Annotations[HoldAnnotation] = v
		}
	}
	p := want.Spec.SyncPolicy
	automated := p != nil && p.Automated != nil
	if !ro.allowed[want.Name] {
		if automated {
			p = p.DeepCopy()
			p.Automated = nil
			want.Spec.SyncPolicy = p
		}
		return
	}
	if !automated && ro.status[want.Name].Status == "Progressing" && have != nil && have.Operation == nil &&
		have.Status.Sync.Status == v1alpha1.SyncStatusCodeOutOfSync &&
		equalJSON(have.Spec, want.Spec) {
		want.Operation = &v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{},
			InitiatedBy: v1alpha1.OperationInitiator{Username: "applicationset-rollingsync"}}
	}
}

// targetRevisions are the revisions an app's sources move to (never nil:
// the field is required).
func targetRevisions(a *v1alpha1.Application) []string {
	out := []string{}
	if a.Spec.Source != nil {
		out = append(out, a.Spec.Source.TargetRevision)
	}
	for _, s := range a.Spec.Sources {
		out = append(out, s.TargetRevision)
	}
	return out
}

// specWithoutAutomation compares specs the rollout itself may change.
func specWithoutAutomation(s v1alpha1.ApplicationSpec) v1alpha1.ApplicationSpec {
	if s.SyncPolicy != nil {
		s.SyncPolicy = s.SyncPolicy.DeepCopy()
		s.SyncPolicy.Automated = nil
	}
	return s
}

// matches reports whether labels meet every match expression (In, NotIn).
func matches(exprs []v1alpha1.ApplicationMatchExpression, labels map[string]string) bool {
	for _, e := range exprs {
		v, has := labels[e.Key]
		in := has && slices.Contains(e.Values, v)
		switch e.Operator {
		case "In":
			if !in {
				return false
			}
		case "NotIn":
			if in {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// maxUpdate is how many of n apps of a step sync at once: all when unset,
// a number, or a percentage rounded down (at least one), as Argo CD reads it.
func maxUpdate(v *intstr.IntOrString, n int) int {
	if v == nil {
		return n
	}
	if v.Type == intstr.Int {
		if v.IntVal <= 0 {
			return n
		}
		return int(v.IntVal)
	}
	pct, err := intstr.GetScaledValueFromIntOrPercent(v, 100, false)
	if err != nil || pct <= 0 {
		return n
	}
	return max(1, int(math.Floor(float64(pct)*float64(n)/100)))
}
