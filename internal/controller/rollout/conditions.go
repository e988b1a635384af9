package rollout

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// conditions sets the Healthy, Progressing, Paused, Available and
// Completed conditions from the new status, with Argo's reasons and
// messages (calculateRolloutConditions and checkPausedConditions).
func (c *rolloutContext) conditions(s *v1alpha1.RolloutStatus, now metav1.Time) {
	paused := len(s.PauseConditions) > 0 || c.ro.Spec.Paused
	aborted := s.Abort
	becameUnhealthy := false
	if !paused && c.healthy(s) {
		setCondition(s, v1alpha1.RolloutConditionHealthy, corev1.ConditionTrue, reasonHealthy, "Rollout is healthy", now)
	} else if getCondition(s, v1alpha1.RolloutConditionHealthy) != nil {
		becameUnhealthy = setCondition(s, v1alpha1.RolloutConditionHealthy, corev1.ConditionFalse, reasonHealthy, "Rollout is not healthy", now)
	}
	prog := getCondition(&c.ro.Status, v1alpha1.RolloutConditionProgressing)
	switch {
	case aborted:
		msg := fmt.Sprintf("Rollout aborted update to revision %d", c.revision())
		if c.pause.abortMessage != "" {
			msg += ": " + c.pause.abortMessage
		} else if prog != nil && prog.Reason == reasonAborted {
			msg = prog.Message
		}
		setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionFalse, reasonAborted, msg, now)
	case paused && !completed(s):
		setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionUnknown, reasonPaused, "Rollout is paused", now)
	default:
		if prog != nil && prog.Reason == reasonAborted {
			setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionUnknown, reasonRetry, "Retrying Rollout after abort", now)
		} else if prog != nil && prog.Reason == reasonPaused {
			setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionUnknown, reasonResumed, "Rollout is resumed", now)
		}
		c.progressCondition(s, becameUnhealthy, now)
	}
	if paused {
		setCondition(s, v1alpha1.RolloutConditionPaused, corev1.ConditionTrue, reasonPaused, "Rollout is paused", now)
	} else if getCondition(s, v1alpha1.RolloutConditionPaused) != nil {
		// Argo writes the paused message with status False too.
		setCondition(s, v1alpha1.RolloutConditionPaused, corev1.ConditionFalse, reasonPaused, "Rollout is paused", now)
	}
	if c.available(s) {
		setCondition(s, v1alpha1.RolloutConditionAvailable, corev1.ConditionTrue, reasonAvailable, "Rollout has minimum availability", now)
	} else {
		setCondition(s, v1alpha1.RolloutConditionAvailable, corev1.ConditionFalse, reasonAvailable, "Rollout does not have minimum availability", now)
	}
	if completed(s) {
		setCondition(s, v1alpha1.RolloutConditionCompleted, corev1.ConditionTrue, reasonCompleted, reasonCompleted, now)
	} else if setCondition(s, v1alpha1.RolloutConditionCompleted, corev1.ConditionFalse, reasonCompleted, reasonCompleted, now) {
		c.event(corev1.EventTypeNormal, "RolloutNotCompleted",
			fmt.Sprintf("Rollout not completed, started update to revision %d (%s)", c.revision(), s.CurrentPodHash))
	}
}

// progressCondition sets Progressing for an update that is not aborted or
// paused: NewReplicaSetAvailable once healthy, ReplicaSetUpdated while it
// makes progress (refreshing lastUpdateTime), ProgressDeadlineExceeded
// after progressDeadlineSeconds without progress.
func (c *rolloutContext) progressCondition(s *v1alpha1.RolloutStatus, becameUnhealthy bool, now metav1.Time) {
	cur := getCondition(s, v1alpha1.RolloutConditionProgressing)
	if cur != nil && cur.Reason == reasonNewRSAvailable && s.Replicas == s.AvailableReplicas && !becameUnhealthy {
		return
	}
	name := ""
	if c.newRS != nil {
		name = c.newRS.Name
	}
	switch {
	case c.healthy(s):
		setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionTrue, reasonNewRSAvailable,
			fmt.Sprintf("ReplicaSet %q has successfully progressed.", name), now)
	case c.progressing(s) || becameUnhealthy || cur == nil:
		reason, msg := reasonUpdated, fmt.Sprintf("ReplicaSet %q is progressing.", name)
		if s.StableRS == s.CurrentPodHash && becameUnhealthy {
			reason, msg = reasonNotAvailable, "Rollout does not have minimum availability"
		}
		cond := v1alpha1.RolloutCondition{Type: v1alpha1.RolloutConditionProgressing, Status: corev1.ConditionTrue,
			Reason: reason, Message: msg, LastUpdateTime: now, LastTransitionTime: now}
		if cur != nil && cur.Status == corev1.ConditionTrue {
			cond.LastTransitionTime = cur.LastTransitionTime
		}
		removeCondition(s, v1alpha1.RolloutConditionProgressing)
		s.Conditions = append(s.Conditions, cond)
	case !c.indefiniteStep() && c.timedOut(s):
		msg := fmt.Sprintf("Rollout %q has timed out progressing.", c.ro.Name)
		if c.newRS != nil {
			msg = fmt.Sprintf("ReplicaSet %q has timed out progressing.", name)
		}
		setCondition(s, v1alpha1.RolloutConditionProgressing, corev1.ConditionFalse, reasonTimedOut, msg, now)
	}
}

// healthy reports a finished update (Argo's RolloutHealthy): every pod
// updated and available, the spec observed, and the strategy done (all
// steps run, the current revision stable and old pods gone; or the
// blue-green Services switched).
func (c *rolloutContext) healthy(s *v1alpha1.RolloutStatus) bool {
	want := replicas.Replicas(c.ro)
	done := true
	if bg := c.ro.Spec.Strategy.BlueGreen; bg != nil {
		done = s.BlueGreen.ActiveSelector == s.CurrentPodHash && (bg.PreviewService == "" || s.BlueGreen.PreviewSelector == s.CurrentPodHash)
	} else {
		steps := int32(len(c.ro.Spec.Strategy.Canary.Steps))
		allSteps := steps == 0 || s.CurrentStepIndex == nil || *s.CurrentStepIndex == steps
		done = allSteps && completed(s) && s.Replicas == want
	}
	return s.UpdatedReplicas == want && s.AvailableReplicas == want &&
		c.ro.Status.ObservedGeneration == strconv.FormatInt(c.ro.Generation, 10) && done
}

// available reports minimum availability: a canary's available pods reach
// spec.replicas; a blue-green's active ReplicaSet runs all of them.
func (c *rolloutContext) available(s *v1alpha1.RolloutStatus) bool {
	want := replicas.Replicas(c.ro)
	if c.ro.Spec.Strategy.BlueGreen != nil {
		active := replicas.ByHash(c.allRSs, s.BlueGreen.ActiveSelector)
		return active != nil && specOf(active) == want && active.Status.AvailableReplicas == want
	}
	return s.AvailableReplicas >= want
}

// phase is the Rollout's status.phase and message (Argo's
// CalculateRolloutPhase).
func phase(ro *v1alpha1.Rollout, s *v1alpha1.RolloutStatus) (v1alpha1.RolloutPhase, string) {
	for _, cond := range s.Conditions {
		if cond.Type == v1alpha1.RolloutConditionInvalidSpec {
			return v1alpha1.RolloutPhaseDegraded, "InvalidSpec: " + cond.Message
		}
		if cond.Reason == reasonAborted || cond.Reason == reasonTimedOut {
			return v1alpha1.RolloutPhaseDegraded, cond.Reason + ": " + cond.Message
		}
	}
	if ro.Spec.Paused {
		return v1alpha1.RolloutPhasePaused, "manually paused"
	}
	if len(s.PauseConditions) > 0 {
		return v1alpha1.RolloutPhasePaused, string(s.PauseConditions[0].Reason)
	}
	if ro.Spec.RestartAt != nil && (s.RestartedAt == nil || !ro.Spec.RestartAt.Time.Equal(s.RestartedAt.Time)) {
		return v1alpha1.RolloutPhaseProgressing, "rollout is restarting"
	}
	want := replicas.Replicas(ro)
	if s.UpdatedReplicas < want {
		return v1alpha1.RolloutPhaseProgressing, "more replicas need to be updated"
	}
	if s.AvailableReplicas < s.UpdatedReplicas {
		return v1alpha1.RolloutPhaseProgressing, "updated replicas are still becoming available"
	}
	if ro.Spec.Strategy.BlueGreen != nil {
		if s.BlueGreen.ActiveSelector == "" || s.BlueGreen.ActiveSelector != s.CurrentPodHash {
			return v1alpha1.RolloutPhaseProgressing, "active service cutover pending"
		}
		if s.StableRS == "" || s.StableRS != s.CurrentPodHash {
			if ro.Spec.Strategy.BlueGreen.PostPromotionAnalysis != nil {
				return v1alpha1.RolloutPhaseProgressing, "waiting for analysis to complete"
			}
			return v1alpha1.RolloutPhaseProgressing, "waiting for post-promotion verification to complete"
		}
	} else {
		if ro.Spec.Strategy.Canary.TrafficRouting == nil && s.Replicas > s.UpdatedReplicas {
			return v1alpha1.RolloutPhaseProgressing, "old replicas are pending termination"
		}
		if s.StableRS == "" || s.StableRS != s.CurrentPodHash {
			return v1alpha1.RolloutPhaseProgressing, "waiting for all steps to complete"
		}
	}
	return v1alpha1.RolloutPhaseHealthy, ""
}

// getCondition returns the condition of type t, nil if none.
func getCondition(s *v1alpha1.RolloutStatus, t v1alpha1.RolloutConditionType) *v1alpha1.RolloutCondition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}

// conditionMessage is the message of the condition of type t.
func conditionMessage(s v1alpha1.RolloutStatus, t v1alpha1.RolloutConditionType) string {
	if c := getCondition(&s, t); c != nil {
		return c.Message
	}
	return ""
}

// setCondition sets a condition unless one of that type has the same
// status and reason (Argo's SetRolloutCondition, which also keeps the
// message then); lastTransitionTime is kept while the status holds. It
// reports whether anything changed.
func setCondition(s *v1alpha1.RolloutStatus, t v1alpha1.RolloutConditionType, status corev1.ConditionStatus, reason, message string, now metav1.Time) bool {
	cond := v1alpha1.RolloutCondition{Type: t, Status: status, Reason: reason, Message: message, LastUpdateTime: now, LastTransitionTime: now}
	if cur := getCondition(s, t); cur != nil {
		if cur.Status == status && cur.Reason == reason {
			return false
		}
		if cur.Status == status {
			cond.LastTransitionTime = cur.LastTransitionTime
		}
	}
	removeCondition(s, t)
	s.Conditions = append(s.Conditions, cond)
	return true
}

// removeCondition drops the condition of type t.
func removeCondition(s *v1alpha1.RolloutStatus, t v1alpha1.RolloutConditionType) {
	out := s.Conditions[:0]
	for _, c := range s.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	s.Conditions = out
}
