package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/action"
)

// newRolloutPauseCmd sets spec.paused, as `kubectl argo rollouts pause`.
func newRolloutPauseCmd() *cobra.Command {
	cmd, _ := rolloutVerb("pause", "Pause a Rollout",
		"Pause a Rollout where it is: sets spec.paused until resume or promote clears it.",
		"  tiphys rollout pause guestbook -N shop", "paused",
		func(*v1alpha1.Rollout) (action.Patch, error) { return action.Pause(), nil })
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
		func(ro *v1alpha1.Rollout) (action.Patch, error) { return action.Resume(ro), nil })
	return cmd
}

// newRolloutPromoteCmd moves a Rollout on, as `kubectl argo rollouts promote`.
func newRolloutPromoteCmd() *cobra.Command {
	full := false
	cmd, f := rolloutVerb("promote", "Promote a Rollout to its next step, or with --full to the end",
		`Promote a Rollout. Without --full: unpause it and clear its pause conditions, or,
for a canary that is not paused by a condition, go to the next step. With --full:
skip every remaining step, pause and analysis (status.promoteFull).`,
		`  # go past the current pause or step
  tiphys rollout promote guestbook -N shop
  # finish the update now
  tiphys rollout promote guestbook -N shop --full`, "promoted",
		func(ro *v1alpha1.Rollout) (action.Patch, error) { return action.Promote(ro, full), nil })
	f.action = func() (string, error) {
		if full {
			return "promote-full", nil
		}
		return "promote", nil
	}
	cmd.Flags().BoolVar(&full, "full", false, "skip all remaining steps, pauses and analysis")
	return cmd
}

// newRolloutAbortCmd sets status.abort, as `kubectl argo rollouts abort`.
func newRolloutAbortCmd() *cobra.Command {
	cmd, _ := rolloutVerb("abort", "Abort a Rollout's update and go back to the stable revision",
		`Abort the update in progress: sets status.abort, and the controller returns all
traffic and replicas to the stable ReplicaSet. retry starts the update again.`,
		"  tiphys rollout abort guestbook -N shop", "aborted",
		func(*v1alpha1.Rollout) (action.Patch, error) { return action.Abort(), nil })
	return cmd
}

// newRolloutRetryCmd clears status.abort, as `kubectl argo rollouts retry rollout`.
func newRolloutRetryCmd() *cobra.Command {
	cmd, _ := rolloutVerb("retry", "Retry an aborted Rollout",
		"Start an aborted update again from its first step: clears status.abort.",
		"  tiphys rollout retry guestbook -N shop", "retried",
		func(*v1alpha1.Rollout) (action.Patch, error) { return action.Retry(), nil })
	return cmd
}

// newRolloutRestartCmd sets spec.restartAt, as `kubectl argo rollouts restart`.
func newRolloutRestartCmd() *cobra.Command {
	in := time.Duration(0)
	cmd, f := rolloutVerb("restart", "Restart the pods of a Rollout",
		`Restart a Rollout's pods: sets spec.restartAt to now (or now plus --in), and the
controller replaces every pod created before it, a few at a time.`,
		`  tiphys rollout restart guestbook -N shop
  tiphys rollout restart guestbook -N shop --in 10m`, "restarted",
		func(*v1alpha1.Rollout) (action.Patch, error) { return action.Restart(time.Now().Add(in)), nil })
	f.action = func() (string, error) {
		if in != 0 {
			return "", fmt.Errorf("--in: %w", errNeedsKubernetes) // the server restarts now
		}
		return "restart", nil
	}
	cmd.Flags().DurationVarP(&in, "in", "i", 0, "time before the restart, e.g. 30s, 5m, 1h")
	return cmd
}
