package rollout

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// syncCanaryStatus decides the step index and stable revision of a canary
// pass and writes the status (Argo's syncRolloutStatusCanary). reset is a
// new update: the steps start again, unless the template went back to
// the stable revision (or one inside the rollbackWindow), which skips
// them.
func (c *rolloutContext) syncCanaryStatus(ctx context.Context, reset bool) error {
	stepCount := int32(len(c.ro.Spec.Strategy.Canary.Steps))
	stepHash, err := hash.StepHash(c.ro)
	if err != nil {
		return err
	}
	c.status.CurrentStepHash = stepHash
	c.status.StableRS = c.ro.Status.StableRS
	_, index := replicas.CurrentStep(c.ro)
	if reset {
		c.resetStatus()
		if c.newRS != nil && stepCount > 0 {
			switch {
			case c.ro.Status.StableRS == hashOf(c.newRS):
				c.event(corev1.EventTypeNormal, "SkipSteps", "Rollback to stable ReplicaSets")
				c.status.CurrentStepIndex = &stepCount
			case c.rollbackWithinWindow() && c.newRS.Spec.Replicas != nil && *c.newRS.Spec.Replicas > 0:
				c.event(corev1.EventTypeNormal, "SkipSteps", "Rollback to active ReplicaSets within RollbackWindow")
				c.status.CurrentStepIndex = &stepCount
			}
		}
		return c.writeStatus(ctx)
	}
	if c.ro.Status.PromoteFull || c.rollbackWithinWindow() {
		c.pause.clearAll()
		c.pause.removeAbort()
		if stepCount > 0 {
			index = &stepCount
		}
	}
	c.status.CurrentStepIndex = index
	if reason := c.fullPromotionReason(index); reason != "" {
		c.promoteStable(reason)
		return c.writeStatus(ctx)
	}
	if c.pause.aborted() {
		if stepCount > 0 {
			zero := int32(0)
			c.status.CurrentStepIndex = &zero
			if c.status.StableRS == hashOf(c.newRS) {
				c.status.CurrentStepIndex = &stepCount
			}
		}
		return c.writeStatus(ctx)
	}
	if step := c.currentStep(index); step != nil && c.routingErr == nil && c.completedStep(*step) {
		next := *index + 1
		c.status.CurrentStepIndex = &next
		c.status.Canary.CurrentStepAnalysisRunStatus = nil
		c.event(corev1.EventTypeNormal, "RolloutStepCompleted", fmt.Sprintf("Rollout step %d/%d completed (%s)", next, stepCount, stepString(*step)))
		c.pause.removePause(v1alpha1.PauseReasonCanaryPauseStep)
	}
	return c.writeStatus(ctx)
}

// currentStep is the step at index, nil past the last.
func (c *rolloutContext) currentStep(index *int32) *v1alpha1.CanaryStep {
	steps := c.ro.Spec.Strategy.Canary.Steps
	if index == nil || int(*index) >= len(steps) {
		return nil
	}
	return &steps[*index]
}

// resetStatus starts a new update: no pause, no abort, no analysis, the
// first step (Argo's resetRolloutStatus).
func (c *rolloutContext) resetStatus() {
	c.pause.clearAll()
	c.pause.removeAbort()
	c.status.PromoteFull = false
	c.status.BlueGreen.PrePromotionAnalysisRunStatus = nil
	c.status.BlueGreen.PostPromotionAnalysisRunStatus = nil
	c.status.BlueGreen.ScaleUpPreviewCheckPoint = false
	c.status.Canary.CurrentStepAnalysisRunStatus = nil
	c.status.Canary.CurrentBackgroundAnalysisRunStatus = nil
	c.status.CurrentStepIndex = nil
	if cs := c.ro.Spec.Strategy.Canary; cs != nil && len(cs.Steps) > 0 {
		zero := int32(0)
		c.status.CurrentStepIndex = &zero
	}
}

// completedStep reports whether the current canary step is done (Argo's
// completedCurrentCanaryStep).
func (c *rolloutContext) completedStep(step v1alpha1.CanaryStep) bool {
	if c.ro.Spec.Paused {
		return false
	}
	switch {
	case step.Pause != nil:
		return c.pause.completedPauseStep(*step.Pause, c.now)
	case step.SetCanaryScale != nil:
		return c.atDesiredCounts(c.status.Canary.Weights)
	case step.SetWeight != nil:
		if !c.atDesiredCounts(c.status.Canary.Weights) {
			return false
		}
		w := c.status.Canary.Weights
		return w == nil || w.Verified == nil || *w.Verified
	case step.Analysis != nil:
		r := c.current.step
		return r != nil && r.Status.Phase == v1alpha1.AnalysisPhaseSuccessful
	case step.Experiment != nil:
		ex := c.exps.current
		return ex != nil && ex.Status.Phase == v1alpha1.AnalysisPhaseSuccessful
	case step.SetHeaderRoute != nil, step.SetMirrorRoute != nil:
		return true
	}
	return false
}

// fullPromotionReason says why the new revision becomes stable now, ""
// when it does not (Argo's shouldFullPromote for canary): the first
// deployment, a full promotion, a fast rollback, or every step done, and
// in each case (but the first) the new ReplicaSet is available.
func (c *rolloutContext) fullPromotionReason(index *int32) string {
	if c.stableRS == nil {
		return "Initial deploy"
	}
	if c.pause.aborted() {
		return ""
	}
	want := replicas.Replicas(c.ro)
	if c.newRS == nil || (c.newRS.Status.AvailableReplicas < want && !c.progressThresholdMet(want)) {
		return ""
	}
	if c.ro.Status.PromoteFull {
		return "Full promotion requested"
	}
	if c.fastRollback() {
		if c.rollbackWithinWindow() {
			return "Rollback within window"
		}
		return "Fast rollback"
	}
	steps := int32(len(c.ro.Spec.Strategy.Canary.Steps))
	if steps == 0 || (index != nil && *index == steps) {
		return fmt.Sprintf("Completed all %d canary steps", steps)
	}
	return ""
}

// progressThresholdMet reports the canary's replicaProgressThreshold met
// by the new ReplicaSet's available pods.
func (c *rolloutContext) progressThresholdMet(want int32) bool {
	t := c.ro.Spec.Strategy.Canary.ReplicaProgressThreshold
	if t == nil || c.newRS == nil {
		return false
	}
	available := c.newRS.Status.AvailableReplicas
	if t.Type == v1alpha1.ProgressTypePods {
		return available >= t.Value
	}
	return available*100 >= t.Value*want
}

// promoteStable makes the current revision stable (Argo's promoteStable):
// pauses and abort cleared, steps done, an Event when stable changes.
func (c *rolloutContext) promoteStable(reason string) {
	c.pause.clearAll()
	c.pause.removeAbort()
	c.status.PromoteFull = false
	c.status.BlueGreen.ScaleUpPreviewCheckPoint = false
	if cs := c.ro.Spec.Strategy.Canary; cs != nil {
		c.status.CurrentStepIndex = nil
		if n := int32(len(cs.Steps)); n > 0 {
			c.status.CurrentStepIndex = &n
		}
	}
	current := hashOf(c.newRS)
	if c.status.StableRS != current {
		if cs := c.ro.Spec.Strategy.Canary; cs != nil && cs.PingPong != nil {
			if c.status.Canary.StablePingPong == v1alpha1.PingPongPing {
				c.status.Canary.StablePingPong = v1alpha1.PingPongPong
			} else {
				c.status.Canary.StablePingPong = v1alpha1.PingPongPing
			}
		}
		c.status.StableRS = current
		c.event(corev1.EventTypeNormal, "RolloutCompleted",
			fmt.Sprintf("Rollout completed update to revision %d (%s): %s", c.revision(), current, reason))
	}
}

// rollback reports that the current template is the stable revision's or
// an older one's (Argo's isRollback).
func (c *rolloutContext) rollback() bool {
	if c.newRS == nil || c.stableRS == nil {
		return false
	}
	return c.ro.Status.StableRS == hashOf(c.newRS) || c.newRS.CreationTimestamp.Before(&c.stableRS.CreationTimestamp)
}

// fastRollback reports a rollback that skips steps and analysis: to the
// stable revision, within the rollbackWindow, or (blue-green) to a
// revision still inside its scale-down delay (Argo's isFastRollback).
func (c *rolloutContext) fastRollback() bool {
	if !c.rollback() {
		return false
	}
	withinDelay := c.ro.Spec.Strategy.BlueGreen != nil && hasDeadline(c.newRS) && !c.deadlinePassed(c.newRS)
	return c.rollbackWithinWindow() || withinDelay || c.ro.Status.StableRS == hashOf(c.newRS)
}

// rollbackWithinWindow reports a return to a revision older than stable
// with fewer than rollbackWindow.revisions revisions between them.
func (c *rolloutContext) rollbackWithinWindow() bool {
	if c.newRS == nil || c.stableRS == nil || !c.newRS.CreationTimestamp.Before(&c.stableRS.CreationTimestamp) {
		return false
	}
	w := c.ro.Spec.RollbackWindow
	if w == nil || w.Revisions <= 0 {
		return false
	}
	var between int32
	for _, rs := range c.allRSs {
		if rs.CreationTimestamp.Before(&c.stableRS.CreationTimestamp) && c.newRS.CreationTimestamp.Before(&rs.CreationTimestamp) {
			between++
		}
	}
	return between < w.Revisions
}

// stepString names a step as Argo's CanaryStepString does in Events.
func stepString(s v1alpha1.CanaryStep) string {
	switch {
	case s.SetWeight != nil:
		return fmt.Sprintf("setWeight: %d", *s.SetWeight)
	case s.Pause != nil:
		if s.Pause.Duration != nil {
			return "pause: " + s.Pause.Duration.String()
		}
		return "pause"
	case s.Analysis != nil:
		return "analysis"
	case s.Experiment != nil:
		return "experiment"
	case s.SetCanaryScale != nil:
		return "setCanaryScale"
	case s.SetHeaderRoute != nil:
		return "setHeaderRoute"
	case s.SetMirrorRoute != nil:
		return "setMirrorRoute"
	}
	return "plugin"
}

// event records an Event on the Rollout.
func (c *rolloutContext) event(kind, reason, message string) {
	c.r.Recorder.Eventf(c.ro, nil, kind, reason, reason, "%s", message)
}
