package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tiphys/tiphys/internal/rollout/action"
)

// newRolloutUndoCmd puts back an earlier revision's pod template, as
// `kubectl argo rollouts undo`.
func newRolloutUndoCmd() *cobra.Command {
	f := &rolloutFlags{}
	var toRevision int64
	cmd := &cobra.Command{
		Use:   "undo NAME",
		Short: "Roll a Rollout back to an earlier revision",
		Long: `Roll back: replace the Rollout's pod template (JSON patch on /spec/template) with the
one of the ReplicaSet of --to-revision, by default the revision before the newest.
The revision's pod-template-hash label is left out. With spec.workloadRef, the
referenced Deployment, ReplicaSet or PodTemplate is patched instead.`,
		Example: `  tiphys rollout undo guestbook -N shop
  tiphys rollout undo guestbook -N shop --to-revision 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if f.server != "" {
				if err := f.api().rolloutWith(ctx, f.namespace, args[0], "undo", map[string]int64{"revision": toRevision}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "rollout '%s' undo\n", args[0])
				return nil
			}
			c, ro, err := f.load(ctx, args[0])
			if err != nil {
				return err
			}
			msg, err := action.Undo(ctx, c, ro, toRevision)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		},
	}
	cmd.Flags().Int64Var(&toRevision, "to-revision", 0, "revision to roll back to (default: the one before the newest)")
	f.register(cmd, "")
	return cmd
}
