package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newAppRollbackCmd() *cobra.Command {
	f := &appFlags{}
	var timeout time.Duration
	var async bool
	cmd := &cobra.Command{
		Use:   "rollback NAME [ID]",
		Short: "Sync an Application to a past revision from its history (default: the one before the last)",
		Long: `Sync an Application to the source and revision of a history entry (see 'tiphys app history').
As in Argo CD, automated sync must be off, or it would sync the target revision again.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, app, err := f.loadApp(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if p := app.Spec.SyncPolicy; p != nil && p.Automated != nil && (p.Automated.Enabled == nil || *p.Automated.Enabled) {
				return fmt.Errorf("application %s: rollback cannot be initiated when automated sync is enabled", app.Name)
			}
			h := app.Status.History
			if len(h) == 0 {
				return fmt.Errorf("application %s: no history to roll back to", app.Name)
			}
			var entry *v1alpha1.RevisionHistory
			if len(args) == 2 {
				id, err := strconv.ParseInt(args[1], 10, 64)
				if err != nil {
					return fmt.Errorf("history id %q: %w", args[1], err)
				}
				for i := range h {
					if h[i].ID == id {
						entry = &h[i]
					}
				}
				if entry == nil {
					return fmt.Errorf("application %s: history id %d not found", app.Name, id)
				}
			} else {
				if len(h) < 2 {
					return fmt.Errorf("application %s: no earlier history entry", app.Name)
				}
				entry = &h[len(h)-2]
			}
			op := &v1alpha1.Operation{
				Sync:        &v1alpha1.SyncOperation{Revision: entry.Revision, Revisions: entry.Revisions, Prune: true},
				InitiatedBy: v1alpha1.OperationInitiator{Username: username()},
			}
			if len(entry.Sources) > 0 {
				op.Sync.Sources = entry.Sources
			} else {
				src := entry.Source
				op.Sync.Source = &src
			}
			return startOperation(cmd, f, c, app.Name, op, async, timeout)
		},
	}
	f.register(cmd, "")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait")
	cmd.Flags().BoolVar(&async, "async", false, "do not wait for the rollback to finish")
	return cmd
}
