package rollout

import (
	"context"
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// Condition reasons and messages Argo Rollouts writes; tools match on them.
const (
	reasonAvailable         = "AvailableReason"
	reasonUpdated           = "ReplicaSetUpdated"
	reasonNewRSAvailable    = "NewReplicaSetAvailable"
	reasonNotAvailable      = "ReplicaSetNotAvailable"
	reasonCompleted         = "RolloutCompleted"
	reasonHealthy           = "RolloutHealthy"
	reasonAborted           = "RolloutAborted"
	reasonPaused            = "RolloutPaused"
	reasonResumed           = "RolloutResumed"
	reasonRetry             = "RolloutRetry"
	reasonTimedOut          = "ProgressDeadlineExceeded"
	reasonInvalidSpec       = "InvalidSpec"
	reasonTrafficRoutingErr = "TrafficRoutingError"

	// conditionTrafficRouting is Tiphys' own condition: a traffic router
	// refused a weight or route, and the steps wait.
	conditionTrafficRouting v1alpha1.RolloutConditionType = "TrafficRouting"

	// defaultProgressDeadline is progressDeadlineSeconds' default (600 s).
	defaultProgressDeadline = 600
)

// writeStatus completes the pass's status (counts, pause and abort,
// conditions, phase) and writes it with one status patch when it changed
// (Argo's calculateBaseStatus and persistRolloutStatus).
func (c *rolloutContext) writeStatus(ctx context.Context) error {
	s := &c.status
	prev := c.ro.Status
	now := metav1.NewTime(c.now)
	s.ObservedGeneration = strconv.FormatInt(c.ro.Generation, 10)
	if c.workload != nil {
		s.WorkloadObservedGeneration = c.ro.Annotations[annotationWorkloadGeneration]
	}
	s.CollisionCount = prev.CollisionCount
	s.Conditions = append([]v1alpha1.RolloutCondition(nil), prev.Conditions...)
	s.Selector = ""
	if c.ro.Spec.Selector != nil {
		s.Selector = metav1.FormatLabelSelector(c.ro.Spec.Selector)
	}
	if c.invalid != "" {
		// An invalid spec changes nothing but its condition and phase: the
		// stable revision, the step and the pauses stay for when it is fixed.
		*s = *prev.DeepCopy()
		s.ObservedGeneration = strconv.FormatInt(c.ro.Generation, 10)
		setCondition(s, v1alpha1.RolloutConditionInvalidSpec, corev1.ConditionTrue, reasonInvalidSpec, c.invalid, now)
		s.Phase, s.Message = v1alpha1.RolloutPhaseDegraded, "InvalidSpec: "+c.invalid
		return c.patchStatus(ctx, prev)
	}
	removeCondition(s, v1alpha1.RolloutConditionInvalidSpec)
	s.CurrentPodHash = hashOf(c.newRS)
	if c.newRS == nil {
		s.CurrentPodHash = hash.PodTemplateHash(&c.ro.Spec.Template, c.ro.Status.CollisionCount)
	}
	s.Replicas = sumReplicas(c.allRSs, func(rs *appsv1.ReplicaSet) int32 { return rs.Status.Replicas })
	s.HPAReplicas = s.Replicas
	s.AvailableReplicas = sumReplicas(c.allRSs, func(rs *appsv1.ReplicaSet) int32 { return rs.Status.AvailableReplicas })
	s.ReadyReplicas = sumReplicas(c.allRSs, func(rs *appsv1.ReplicaSet) int32 { return rs.Status.ReadyReplicas })
	s.UpdatedReplicas = 0
	if c.newRS != nil {
		s.UpdatedReplicas = c.newRS.Status.Replicas
	}
	s.PromoteFull = s.PromoteFull || (prev.PromoteFull && s.CurrentPodHash != s.StableRS)
	if c.ro.Spec.Strategy.BlueGreen != nil {
		s.PromoteFull = prev.PromoteFull && s.CurrentPodHash != s.StableRS
		// An HPA of a blue-green Rollout scales on the active revision
		// alone (Argo's syncRolloutStatusBlueGreen).
		if active := replicas.ByHash(c.allRSs, s.BlueGreen.ActiveSelector); active != nil {
			s.HPAReplicas = active.Status.Replicas
			s.Selector = metav1.FormatLabelSelector(active.Spec.Selector)
			s.AvailableReplicas = active.Status.AvailableReplicas
			s.ReadyReplicas = active.Status.ReadyReplicas
		}
	}
	c.progressDeadlineAbort(s)
	c.pause.apply(s, now)
	c.conditions(s, now)
	if c.routingErr != nil {
		setCondition(s, conditionTrafficRouting, corev1.ConditionFalse, reasonTrafficRoutingErr, c.routingErr.Error(), now)
		c.waitUntil(c.now.Add(10 * time.Second))
	} else {
		removeCondition(s, conditionTrafficRouting)
	}
	s.Phase, s.Message = phase(c.ro, s)
	if err := c.reconcileWorkloadScaleDown(ctx, s); err != nil {
		return err
	}
	return c.patchStatus(ctx, prev)
}

// patchStatus writes the status when it differs from prev.
func (c *rolloutContext) patchStatus(ctx context.Context, prev v1alpha1.RolloutStatus) error {
	if apiequality.Semantic.DeepEqual(prev, c.status) {
		return nil
	}
	live := &v1alpha1.Rollout{}
	live.ObjectMeta = *c.ro.ObjectMeta.DeepCopy()
	live.Status = prev
	patch := client.MergeFrom(live.DeepCopy())
	live.Status = c.status
	before := live.ResourceVersion
	if err := c.r.Client.Status().Patch(ctx, live, patch); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	c.r.seen.Wrote(c.ro.UID, before)
	if !prev.Abort && c.status.Abort {
		c.event(corev1.EventTypeWarning, reasonAborted, conditionMessage(c.status, v1alpha1.RolloutConditionProgressing))
	}
	return nil
}

// sumReplicas adds up one count over ReplicaSets.
func sumReplicas(rss []*appsv1.ReplicaSet, count func(*appsv1.ReplicaSet) int32) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += count(rs)
		}
	}
	return n
}

// progressDeadlineAbort aborts an update that made no progress for
// progressDeadlineSeconds when progressDeadlineAbort is set (Argo's
// evaluateProgressDeadlineAbort).
func (c *rolloutContext) progressDeadlineAbort(s *v1alpha1.RolloutStatus) {
	if !c.ro.Spec.ProgressDeadlineAbort || c.pause.aborted() || completed(s) || c.progressing(s) || c.indefiniteStep() {
		return
	}
	if !c.timedOut(s) {
		return
	}
	msg := fmt.Sprintf("Rollout %q has timed out progressing.", c.ro.Name)
	if c.newRS != nil {
		msg = fmt.Sprintf("ReplicaSet %q has timed out progressing.", c.newRS.Name)
	}
	c.pause.addAbort(msg)
}

// completed reports the current revision is stable.
func completed(s *v1alpha1.RolloutStatus) bool {
	return s.StableRS != "" && s.StableRS == s.CurrentPodHash
}

// progressing reports progress since the last pass (Argo's
// RolloutProgressing): pods updated, ready or available, old pods gone,
// a step, stable or selector change.
func (c *rolloutContext) progressing(s *v1alpha1.RolloutStatus) bool {
	old := c.ro.Status
	specific := false
	if c.ro.Spec.Strategy.BlueGreen != nil {
		specific = old.BlueGreen.ActiveSelector != s.BlueGreen.ActiveSelector || old.BlueGreen.PreviewSelector != s.BlueGreen.PreviewSelector
	} else {
		step := s.CurrentStepIndex != nil && old.CurrentStepIndex != nil && *s.CurrentStepIndex != *old.CurrentStepIndex
		specific = s.StableRS != old.StableRS || step || s.CurrentStepHash != old.CurrentStepHash
	}
	return s.UpdatedReplicas != old.UpdatedReplicas || s.Replicas-s.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		s.ReadyReplicas > old.ReadyReplicas || s.AvailableReplicas > old.AvailableReplicas || specific
}

// indefiniteStep reports a wait that does not count against the progress
// deadline: an indefinite pause step, a blue-green awaiting manual
// promotion, or a running analysis.
func (c *rolloutContext) indefiniteStep() bool {
	if bg := c.ro.Spec.Strategy.BlueGreen; bg != nil {
		return pauseCondition(c.ro, v1alpha1.PauseReasonBlueGreenPause) != nil
	}
	step, _ := replicas.CurrentStep(c.ro)
	return step != nil && (step.Analysis != nil || step.Experiment != nil || (step.Pause != nil && step.Pause.Duration == nil))
}

// timedOut reports the Progressing condition last updated more than
// progressDeadlineSeconds ago (Argo's RolloutTimedOut).
func (c *rolloutContext) timedOut(s *v1alpha1.RolloutStatus) bool {
	cond := getCondition(s, v1alpha1.RolloutConditionProgressing)
	if cond == nil || cond.Reason == reasonAborted || cond.Reason == reasonPaused {
		return false
	}
	if cond.Reason == reasonTimedOut {
		return true
	}
	deadline := int32(defaultProgressDeadline)
	if c.ro.Spec.ProgressDeadlineSeconds != nil {
		deadline = *c.ro.Spec.ProgressDeadlineSeconds
	}
	end := cond.LastUpdateTime.Add(time.Duration(deadline) * time.Second)
	if c.now.Before(end) {
		c.waitUntil(end.Add(time.Second))
		return false
	}
	return true
}
