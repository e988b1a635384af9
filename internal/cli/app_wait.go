package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newAppWaitCmd() *cobra.Command {
	f := &appFlags{}
	var syncd, healthy, operation bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait NAME",
		Short: "Wait until an Application is synced, healthy and has no operation running",
		Long: `Wait until an Application is synced, healthy and has no operation running; with --sync,
--health or --operation, only for those. Exits non-zero when the timeout passes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client()
			if err != nil {
				return err
			}
			all := !syncd && !healthy && !operation
			app, err := waitFor(cmd.Context(), f, c, args[0], timeout, func(a *v1alpha1.Application) bool {
				running := a.Operation != nil || (a.Status.OperationState != nil && a.Status.OperationState.Phase == v1alpha1.OperationRunning)
				return (!(syncd || all) || a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced) &&
					(!(healthy || all) || a.Status.Health.Status == v1alpha1.HealthStatusHealthy) &&
					(!(operation || all) || !running)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "application %s: %s, %s\n", app.Name, app.Status.Sync.Status, app.Status.Health.Status)
			return nil
		},
	}
	f.register(cmd, "")
	cmd.Flags().BoolVar(&syncd, "sync", false, "wait for Synced")
	cmd.Flags().BoolVar(&healthy, "health", false, "wait for Healthy")
	cmd.Flags().BoolVar(&operation, "operation", false, "wait until no operation runs")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait")
	return cmd
}
