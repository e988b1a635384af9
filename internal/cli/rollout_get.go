package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rolloutGetOptions are the flags of `rollout get`.
type rolloutGetOptions struct {
	rolloutFlags
	// watch re-renders the view at every change.
	watch bool
	// timeout ends a watch after this long (0: never).
	timeout time.Duration
	// untilDone watches until the Rollout is Healthy or Degraded.
	untilDone bool
}

// newRolloutGetCmd shows one Rollout, once or live.
func newRolloutGetCmd() *cobra.Command {
	o := &rolloutGetOptions{}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a Rollout: strategy, weights, images, replicas, steps and revisions, once or live",
		Long: `Show a Rollout, as Argo Rollouts' kubectl plugin does: its phase and message; its
strategy with, for a canary, the current step, the weight the steps set (SetWeight)
and the weight the canary has now (ActualWeight: the router's weight with traffic
routing, else the canary's share of the available pods); the images of its
revisions marked stable, canary, active or preview; its replica counts (Desired,
Current, Updated, Ready, Available); the canary steps with the current one marked
by an arrow; then its revisions, newest first: each ReplicaSet the Rollout owns
with its markers, hash, replica counts, scale-down delay and pods, each
AnalysisRun with its measurement tallies and one row per metric (successful,
failed, inconclusive and error counts, the last value and message), and each
Experiment; then pause conditions and conditions.

-w/--watch keeps the view up to date: it is drawn again whenever the Rollout, its
ReplicaSets, their pods, its AnalysisRuns or Experiments change. On a terminal
the screen is cleared between views; otherwise each view follows a blank line and
a "== TIME ==" header. A read that fails during the watch is reported on standard
error and tried again. The watch ends on Ctrl-C or after --timeout (exit 0).
--until-done (implies --watch) ends it once the Rollout has acted on its spec and
is Healthy (exit 0) or Degraded (exit 1); a --timeout that passes first is then an
error (exit 1), which suits CI.

-o json|yaml prints the Rollout object; with --watch, once per change of it (JSON
objects one after another, YAML documents separated by "---").`,
		Example: `  tiphys rollout get guestbook -N shop
  tiphys rollout get guestbook -N shop -o yaml

  # Watch an update live
  tiphys rollout get guestbook -N shop -w

  # In CI: wait up to 10 minutes for the update to finish; exit 1 if it degrades
  tiphys rollout get guestbook -N shop --until-done --timeout 10m`,
		Args: cobra.ExactArgs(1),
		RunE: o.run,
	}
	o.register(cmd, "json|yaml")
	cmd.Flags().BoolVarP(&o.watch, "watch", "w", false, "draw the view again at every change, until interrupted")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 0, "with --watch, stop after this long, e.g. 2m (default: never)")
	cmd.Flags().BoolVar(&o.untilDone, "until-done", false, "watch until the Rollout is Healthy (exit 0) or Degraded (exit 1)")
	return cmd
}

func (o *rolloutGetOptions) run(cmd *cobra.Command, args []string) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	if o.timeout < 0 {
		return fmt.Errorf("--timeout %s: must not be negative", o.timeout)
	}
	if o.server != "" {
		return o.runThroughServer(cmd, args[0])
	}
	c, err := o.watchClient()
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if o.watch || o.untilDone {
		return o.watchRollout(cmd.Context(), c, args[0], out, cmd.ErrOrStderr())
	}
	v, err := o.read(cmd.Context(), c, args[0])
	if err != nil {
		return err
	}
	if ok, err := printStructured(out, o.output, v.Rollout); ok {
		return err
	}
	return renderRollout(out, v, time.Now())
}

// runThroughServer is `rollout get` with --server: the Rollout and its
// AnalysisRuns from the API server (no ReplicaSets, pods or Experiments,
// which it does not serve); --watch needs Kubernetes' watches.
func (o *rolloutGetOptions) runThroughServer(cmd *cobra.Command, name string) error {
	if o.watch || o.untilDone {
		return fmt.Errorf("%s --watch: %w", cmd.CommandPath(), errNeedsKubernetes)
	}
	api, out := o.api(), cmd.OutOrStdout()
	if o.output != "" {
		ro := &v1alpha1.Rollout{}
		if err := api.Get(cmd.Context(), client.ObjectKey{Namespace: o.namespace, Name: name}, ro); err != nil {
			return fmt.Errorf("rollout %s/%s: %w", o.namespace, name, err)
		}
		_, err := printStructured(out, o.output, ro)
		return err
	}
	v, err := api.rolloutView(cmd.Context(), o.namespace, name)
	if err != nil {
		return err
	}
	return renderRollout(out, v, time.Now())
}
