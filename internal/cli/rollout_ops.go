package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newRolloutPauseCmd sets spec.paused, as `kubectl argo rollouts pause`.
func newRolloutPauseCmd() *cobra.Command {
	cmd, _ := rolloutVerb("pause", "Pause a Rollout",
		"Pause a Rollout where it is: sets spec.paused until resume or promote clears it.",
		"  tiphys rollout pause guestbook -N shop", "paused",
		func(*v1alpha1.Rollout) (rolloutPatch, error) {
			return rolloutPatch{spec: `{"spec":{"paused":true}}`}, nil
		})
	return cmd
}

// newRolloutResumeCmd clears spec.paused and the pause conditions: what
// the plugin's resume did before promote replaced it, sent as two patches
// now that status is a subresource.
func newRolloutResumeCmd() *cobra.Command {
	cmd, _ := rolloutVerb("resume", "Resume a paused Rollout",
		`Resume a Rollout: clears spec.paused and status.pauseConditions, without moving to
the next step (promote does that).`,
		"  tiphys rollout resume guestbook -N shop", "resumed",
		func(ro *v1alpha1.Rollout) (rolloutPatch, error) {
			var p rolloutPatch
			if ro.Spec.Paused {
				p.spec = `{"spec":{"paused":false}}`
			}
			if len(ro.Status.PauseConditions) > 0 {
				p.status = `{"status":{"pauseConditions":null}}`
			}
			return p, nil
		})
	return cmd
}

// newRolloutPromoteCmd moves a Rollout on, as `kubectl argo rollouts promote`.
func newRolloutPromoteCmd() *cobra.Command {
	full := false
	cmd, _ := rolloutVerb("promote", "Promote a Rollout to its next step, or with --full to the end",
		`Promote a Rollout. Without --full: unpause it and clear its pause conditions, or,
for a canary that is not paused by a condition, go to the next step. With --full:
skip every remaining step, pause and analysis (status.promoteFull).`,
		`  # go past the current pause or step
  tiphys rollout promote guestbook -N shop
  # finish the update now
  tiphys rollout promote guestbook -N shop --full`, "promoted",
		func(ro *v1alpha1.Rollout) (rolloutPatch, error) { return promotePatch(ro, full), nil })
	cmd.Flags().BoolVar(&full, "full", false, "skip all remaining steps, pauses and analysis")
	return cmd
}

// promotePatch is the plugin's promotion of ro.
func promotePatch(ro *v1alpha1.Rollout, full bool) rolloutPatch {
	var p rolloutPatch
	if ro.Spec.Paused {
		p.spec = `{"spec":{"paused":false}}`
	}
	if full {
		if ro.Status.CurrentPodHash != ro.Status.StableRS {
			p.status = `{"status":{"promoteFull":true}}`
		}
		return p
	}
	next, hasSteps := nextStepIndex(ro)
	switch {
	case inconclusiveStep(ro) && len(ro.Status.PauseConditions) > 0 && ro.Status.ControllerPause:
		if hasSteps {
			p.status = fmt.Sprintf(`{"status":{"pauseConditions":null,"controllerPause":false,"currentStepIndex":%d}}`, next)
		}
	case len(ro.Status.PauseConditions) > 0:
		p.status = `{"status":{"pauseConditions":null}}`
	case hasSteps:
		p.status = fmt.Sprintf(`{"status":{"pauseConditions":null,"currentStepIndex":%d}}`, next)
	}
	return p
}

// nextStepIndex is the index after a canary's current step, never past
// the end; false for a Rollout without canary steps.
func nextStepIndex(ro *v1alpha1.Rollout) (int32, bool) {
	c := ro.Spec.Strategy.Canary
	if c == nil || len(c.Steps) == 0 {
		return 0, false
	}
	i := int32(0)
	if ro.Status.CurrentStepIndex != nil {
		i = *ro.Status.CurrentStepIndex
	}
	if i < int32(len(c.Steps)) {
		i++
	}
	return i, true
}

// inconclusiveStep says whether a canary's step analysis ended inconclusive.
func inconclusiveStep(ro *v1alpha1.Rollout) bool {
	a := ro.Status.Canary.CurrentStepAnalysisRunStatus
	return ro.Spec.Strategy.Canary != nil && a != nil && a.Status == v1alpha1.AnalysisPhaseInconclusive
}

// newRolloutAbortCmd sets status.abort, as `kubectl argo rollouts abort`.
func newRolloutAbortCmd() *cobra.Command {
	cmd, _ := rolloutVerb("abort", "Abort a Rollout's update and go back to the stable revision",
		`Abort the update in progress: sets status.abort, and the controller returns all
traffic and replicas to the stable ReplicaSet. retry starts the update again.`,
		"  tiphys rollout abort guestbook -N shop", "aborted",
		func(*v1alpha1.Rollout) (rolloutPatch, error) {
			return rolloutPatch{status: `{"status":{"abort":true}}`}, nil
		})
	return cmd
}

// newRolloutRetryCmd clears status.abort, as `kubectl argo rollouts retry rollout`.
func newRolloutRetryCmd() *cobra.Command {
	cmd, _ := rolloutVerb("retry", "Retry an aborted Rollout",
		"Start an aborted update again from its first step: clears status.abort.",
		"  tiphys rollout retry guestbook -N shop", "retried",
		func(*v1alpha1.Rollout) (rolloutPatch, error) {
			return rolloutPatch{status: `{"status":{"abort":false}}`}, nil
		})
	return cmd
}

// newRolloutRestartCmd sets spec.restartAt, as `kubectl argo rollouts restart`.
func newRolloutRestartCmd() *cobra.Command {
	in := time.Duration(0)
	cmd, _ := rolloutVerb("restart", "Restart the pods of a Rollout",
		`Restart a Rollout's pods: sets spec.restartAt to now (or now plus --in), and the
controller replaces every pod created before it, a few at a time.`,
		`  tiphys rollout restart guestbook -N shop
  tiphys rollout restart guestbook -N shop --in 10m`, "restarted",
		func(*v1alpha1.Rollout) (rolloutPatch, error) {
			at := time.Now().UTC().Add(in).Format(time.RFC3339)
			return rolloutPatch{spec: fmt.Sprintf(`{"spec":{"restartAt":%q}}`, at)}, nil
		})
	cmd.Flags().DurationVarP(&in, "in", "i", 0, "time before the restart, e.g. 30s, 5m, 1h")
	return cmd
}
