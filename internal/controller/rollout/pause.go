package rollout

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pauseState collects what one pass decides about pausing and aborting,
// applied to the new status at the end (Argo Rollouts' pauseContext): the
// reasons to add or remove, an abort with its message, or a reset of all
// pause conditions (a promotion).
type pauseState struct {
	ro           *v1alpha1.Rollout
	add          []v1alpha1.PauseReason
	remove       []v1alpha1.PauseReason
	clear        bool
	abort        bool
	abortMessage string
	unabort      bool
}

// addPause asks for a pause condition with reason (no-op if it exists).
func (p *pauseState) addPause(reason v1alpha1.PauseReason) { p.add = append(p.add, reason) }

// removePause drops the pause condition with reason.
func (p *pauseState) removePause(reason v1alpha1.PauseReason) {
	p.remove = append(p.remove, reason)
}

// hasAddPause reports whether this pass asked for a new pause.
func (p *pauseState) hasAddPause() bool { return len(p.add) > 0 }

// clearAll drops every pause condition and the controller pause.
func (p *pauseState) clearAll() { p.clear = true }

// addAbort aborts the update with a message naming why.
func (p *pauseState) addAbort(message string) {
	if !p.abort {
		p.abort, p.abortMessage = true, message
	}
}

// removeAbort ends an abort (a promotion or fast rollback).
func (p *pauseState) removeAbort() { p.unabort = true }

// aborted reports whether the update is aborted after this pass.
func (p *pauseState) aborted() bool {
	return p.abort || (p.ro.Status.Abort && !p.unabort)
}

// pauseCondition returns the Rollout's pause condition with reason, nil if
// there is none.
func pauseCondition(ro *v1alpha1.Rollout, reason v1alpha1.PauseReason) *v1alpha1.PauseCondition {
	for i := range ro.Status.PauseConditions {
		if ro.Status.PauseConditions[i].Reason == reason {
			return &ro.Status.PauseConditions[i]
		}
	}
	return nil
}

// completedPauseStep reports whether a canary pause step is over: its
// duration has passed since the pause condition was added, or a user
// removed the condition the controller added (promote, resume), as Argo's
// CompletedCanaryPauseStep.
func (p *pauseState) completedPauseStep(pause v1alpha1.RolloutPause, now time.Time) bool {
	cond := pauseCondition(p.ro, v1alpha1.PauseReasonCanaryPauseStep)
	if d := pauseSeconds(pause); d != nil && cond != nil && now.After(cond.StartTime.Add(*d)) {
		return true
	}
	return cond == nil && p.ro.Status.ControllerPause
}

// pauseSeconds is a pause step's duration, nil for an indefinite pause. A
// duration is a number of seconds or a Go-style string with unit ("30s",
// "5m", "1h"), as Argo's DurationSeconds reads it; a malformed one is
// treated as indefinite.
func pauseSeconds(pause v1alpha1.RolloutPause) *time.Duration {
	if pause.Duration == nil {
		return nil
	}
	if pause.Duration.Type == 0 {
		d := time.Duration(pause.Duration.IntVal) * time.Second
		return &d
	}
	d, err := time.ParseDuration(pause.Duration.StrVal)
	if err != nil {
		return nil
	}
	return &d
}

// apply writes the pass's decisions into status (Argo's
// CalculatePauseStatus): an abort keeps its first time and drops every
// pause; otherwise the
// pause conditions are the old ones minus removed plus added, adding a
// pause sets controllerPause, and with none left it is false again.
func (p *pauseState) apply(status *v1alpha1.RolloutStatus, now metav1.Time) {
	if p.aborted() {
		status.Abort = true
		status.AbortedAt = p.ro.Status.AbortedAt
		if status.AbortedAt == nil {
			status.AbortedAt = &now
		}
		status.PauseConditions, status.ControllerPause = nil, false
		return
	}
	status.Abort, status.AbortedAt = false, nil
	if p.clear {
		status.PauseConditions, status.ControllerPause = nil, false
		return
	}
	controllerPause := p.ro.Status.ControllerPause
	removed := map[v1alpha1.PauseReason]bool{}
	for _, r := range p.remove {
		removed[r] = true
	}
	var conds []v1alpha1.PauseCondition
	exists := map[v1alpha1.PauseReason]bool{}
	for _, c := range p.ro.Status.PauseConditions {
		exists[c.Reason] = true
		if !removed[c.Reason] {
			conds = append(conds, c)
		}
	}
	for _, r := range p.add {
		if !exists[r] {
			exists[r] = true
			conds = append(conds, v1alpha1.PauseCondition{Reason: r, StartTime: now})
			controllerPause = true
		}
	}
	if len(conds) == 0 {
		// No pause left: the controller pause ends with the last one.
		status.PauseConditions, status.ControllerPause = nil, false
		return
	}
	status.PauseConditions, status.ControllerPause = conds, controllerPause
}
