package rollout

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// rolloutCanary is one pass of the canary strategy (Argo's
// rolloutCanary): a changed template or steps first creates the new
// ReplicaSet and resets the steps; then Services, traffic and analysis are
// brought in line, ReplicaSets scaled one move at a time, pauses honoured,
// and the step index advanced when the current step is done.
func (c *rolloutContext) rolloutCanary(ctx context.Context) error {
	changed := c.templateOrStepsChanged()
	if err := c.syncNewReplicaSet(ctx); err != nil {
		return err
	}
	if changed {
		return c.syncCanaryStatus(ctx, true)
	}
	if restarted, err := c.restartPods(ctx); err != nil || restarted {
		if err != nil {
			return err
		}
		return c.syncCanaryStatus(ctx, false)
	}
	if err := c.reconcileEphemeralMetadata(ctx); err != nil {
		return err
	}
	if err := c.cleanupHistory(ctx); err != nil {
		return err
	}
	if err := c.reconcileCanaryServices(ctx); err != nil {
		return err
	}
	if err := c.reconcileTrafficRouting(ctx); err != nil {
		return err
	}
	if err := c.reconcileExperiments(ctx); err != nil {
		return err
	}
	if err := c.reconcileAnalysisRuns(ctx); err != nil {
		return err
	}
	if c.pause.hasAddPause() {
		return c.syncCanaryStatus(ctx, false)
	}
	scaled, err := c.reconcileCanaryReplicaSets(ctx)
	if err != nil {
		return err
	}
	if !scaled {
		c.reconcileCanaryPause()
	}
	return c.syncCanaryStatus(ctx, false)
}

// templateOrStepsChanged reports a new update: the pod template's hash or
// the steps' hash differ from what the status recorded (Argo's
// PodTemplateOrStepsChanged).
func (c *rolloutContext) templateOrStepsChanged() bool {
	stepHash, _ := hash.StepHash(c.ro)
	if c.ro.Status.CurrentStepHash != stepHash {
		return true
	}
	current := hashOf(c.newRS)
	if c.newRS == nil {
		current = hash.PodTemplateHash(&c.ro.Spec.Template, c.ro.Status.CollisionCount)
	}
	return c.ro.Status.CurrentPodHash != current
}

// fullyPromoted reports that the last pass left the current revision
// stable (Argo's IsFullyPromoted, read from the status).
func (c *rolloutContext) fullyPromoted() bool {
	return c.ro.Status.StableRS == c.ro.Status.CurrentPodHash
}

// canaryCounts is how many pods the stable and new ReplicaSets should
// run now; weights are the router's last weights (traffic routing only).
func (c *rolloutContext) canaryCounts(weights *v1alpha1.TrafficWeights) (stable, canary int32) {
	if c.ro.Spec.Strategy.Canary.TrafficRouting == nil {
		return replicas.CanaryCounts(c.ro, c.stableRS, c.newRS, c.otherRSs)
	}
	return replicas.TrafficRoutedCounts(c.ro, c.stableRS, c.newRS, weights)
}

// atDesiredCounts reports that the stable and new ReplicaSets run, and
// have available, the pods the current step asks for, and no other
// ReplicaSet of a basic canary has available pods (Argo's
// AtDesiredReplicaCountsForCanary).
func (c *rolloutContext) atDesiredCounts(weights *v1alpha1.TrafficWeights) bool {
	stable, canary := c.canaryCounts(weights)
	if c.newRS == nil || specOf(c.newRS) != canary || c.newRS.Status.AvailableReplicas != canary {
		return false
	}
	if c.stableRS == nil || specOf(c.stableRS) != stable || c.stableRS.Status.AvailableReplicas != stable {
		if c.stableRS != nil && hashOf(c.stableRS) != hashOf(c.newRS) {
			return false
		}
	}
	if c.ro.Spec.Strategy.Canary.TrafficRouting == nil {
		for _, rs := range c.otherRSs {
			if rs.Status.AvailableReplicas != 0 {
				return false
			}
		}
	}
	return true
}

// specOf is a ReplicaSet's spec.replicas, 0 when unset.
func specOf(rs *appsv1.ReplicaSet) int32 {
	if rs == nil || rs.Spec.Replicas == nil {
		return 0
	}
	return *rs.Spec.Replicas
}

// reconcileCanaryReplicaSets makes one scaling move, stable first, then
// the new ReplicaSet, then the others (Argo's reconcileCanaryReplicaSets),
// and reports whether it scaled anything. A manual pause or an
// inconclusive analysis holds every ReplicaSet where it is.
func (c *rolloutContext) reconcileCanaryReplicaSets(ctx context.Context) (bool, error) {
	if c.ro.Spec.Paused || pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil {
		return false, nil
	}
	if err := c.removeScaleDownDeadline(ctx, c.stableRS); err != nil {
		return false, err
	}
	if !c.delaysScaleDownOnAbort() {
		if err := c.removeScaleDownDeadline(ctx, c.newRS); err != nil {
			return false, err
		}
	}
	if c.stableRS != nil && hashOf(c.stableRS) != hashOf(c.newRS) {
		// The router's weights of the previous pass, so the stable is
		// scaled after the weight moved, never ahead of it (as Argo).
		stable, _ := c.canaryCounts(c.ro.Status.Canary.Weights)
		if scaled, err := c.scaleReplicaSet(ctx, c.stableRS, stable, "stable"); err != nil || scaled {
			return scaled, err
		}
	}
	if scaled, err := c.reconcileNewReplicaSet(ctx); err != nil || scaled {
		return scaled, err
	}
	return c.scaleDownOthers(ctx)
}

// delaysScaleDownOnAbort reports an aborted traffic-routed update whose
// canary keeps its pods until abortScaleDownDelaySeconds (default 30)
// have passed (Argo's shouldDelayScaleDownOnAbort); a canary already at
// 0 pods has nothing left to wait for.
func (c *rolloutContext) delaysScaleDownOnAbort() bool {
	cs := c.ro.Spec.Strategy.Canary
	if !c.pause.aborted() || c.newRS == nil || specOf(c.newRS) == 0 || hashOf(c.newRS) == hashOf(c.stableRS) {
		return false
	}
	if cs != nil {
		return cs.TrafficRouting != nil && abortDelay(cs.AbortScaleDownDelaySeconds) > 0
	}
	return abortDelay(c.ro.Spec.Strategy.BlueGreen.AbortScaleDownDelaySeconds) > 0
}

// abortDelay is abortScaleDownDelaySeconds, 30 when unset (Argo's
// default); 0 keeps the canary up.
func abortDelay(v *int32) int32 {
	if v == nil {
		return 30
	}
	return *v
}

// scaleDownDelay is scaleDownDelaySeconds, 30 when unset (Argo's default).
func scaleDownDelay(v *int32) int32 {
	if v == nil {
		return 30
	}
	return *v
}

// reconcileNewReplicaSet scales the new ReplicaSet to its count; after an
// abort that delays the scale-down, it keeps its pods until the deadline
// it is annotated with (set once the stable is fully available again).
func (c *rolloutContext) reconcileNewReplicaSet(ctx context.Context) (bool, error) {
	if c.newRS == nil {
		return false, nil
	}
	_, count := c.canaryCounts(c.status.Canary.Weights)
	if c.delaysScaleDownOnAbort() {
		switch {
		case c.deadlinePassed(c.newRS):
			count = 0
		case hasDeadline(c.newRS):
			count = specOf(c.newRS)
		default:
			if c.stableRS != nil && c.stableRS.Status.AvailableReplicas >= replicas.Replicas(c.ro) {
				if err := c.addScaleDownDelay(ctx, c.newRS, abortDelay(c.ro.Spec.Strategy.Canary.AbortScaleDownDelaySeconds)); err != nil {
					return false, err
				}
			}
			count = specOf(c.newRS)
		}
	}
	return c.scaleReplicaSet(ctx, c.newRS, count, "canary")
}

// hasDeadline reports a scale-down deadline on rs.
func hasDeadline(rs *appsv1.ReplicaSet) bool {
	_, ok := scaleDownDeadline(rs)
	return ok
}

// scaleDownOthers scales down ReplicaSets that are neither stable nor new:
// a basic canary's as availability allows (replicas.OtherScaleDown); a
// traffic-routed canary's previous stable after scaleDownDelaySeconds
// (at once under dynamicStableScale), an abandoned intermediate revision
// at once (Argo's scaleDownOldReplicaSetsForCanary).
func (c *rolloutContext) scaleDownOthers(ctx context.Context) (bool, error) {
	cs := c.ro.Spec.Strategy.Canary
	if cs.TrafficRouting == nil {
		scaled := false
		for name, count := range replicas.OtherScaleDown(c.ro, c.allRSs, c.otherRSs) {
			for _, rs := range c.otherRSs {
				if rs.Name == name {
					s, err := c.scaleReplicaSet(ctx, rs, count, "old")
					if err != nil {
						return false, err
					}
					scaled = scaled || s
				}
			}
		}
		return scaled, nil
	}
	scaled := false
	for _, rs := range c.otherRSs {
		if specOf(rs) == 0 {
			continue
		}
		target := int32(0)
		if (c.fullyPromoted() || hasDeadline(rs)) && !cs.DynamicStableScale {
			if err := c.addScaleDownDelay(ctx, rs, scaleDownDelay(cs.ScaleDownDelaySeconds)); err != nil {
				return false, err
			}
			if !c.deadlinePassed(rs) {
				continue
			}
		}
		s, err := c.scaleReplicaSet(ctx, rs, target, "old")
		if err != nil {
			return false, err
		}
		scaled = scaled || s
	}
	return scaled, nil
}

// reconcileCanaryPause pauses at a pause step the first time it is
// reached, and asks for a pass when a timed pause ends (Argo's
// reconcileCanaryPause).
func (c *rolloutContext) reconcileCanaryPause() {
	if c.ro.Spec.Paused || c.ro.Status.PromoteFull {
		return
	}
	step, _ := replicas.CurrentStep(c.ro)
	if step == nil || step.Pause == nil {
		return
	}
	cond := pauseCondition(c.ro, v1alpha1.PauseReasonCanaryPauseStep)
	if cond == nil {
		if !c.ro.Status.ControllerPause {
			c.pause.addPause(v1alpha1.PauseReasonCanaryPauseStep)
		}
		return
	}
	if d := pauseSeconds(*step.Pause); d != nil {
		c.waitUntil(cond.StartTime.Add(*d))
	}
}
