package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newAppTerminateOpCmd() *cobra.Command {
	f := &appFlags{}
	cmd := &cobra.Command{
		Use:   "terminate-op NAME",
		Short: "Stop an Application's running sync operation",
		Long: `Stop the application's running operation, as 'argocd app terminate-op': its
status.operationState.phase becomes Terminating and the controller ends the sync (phase Failed,
"Operation terminated"), leaving the objects it already applied. Use it when a sync waits for
something that will not come (a child application that stays Progressing or Unknown); the next
sync, automated or not, starts afresh from the current revision.`,
		Example: `  tiphys app terminate-op root`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, app, err := f.loadApp(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			os := app.Status.OperationState
			if os == nil || (os.Phase != v1alpha1.OperationRunning && os.Phase != v1alpha1.OperationTerminating) {
				return fmt.Errorf("application %s: no operation is in progress", app.Name)
			}
			patch := client.RawPatch(types.MergePatchType, []byte(`{"status":{"operationState":{"phase":"Terminating"}}}`))
			if err := c.Patch(cmd.Context(), app, patch); err != nil {
				return fmt.Errorf("application %s: terminate the operation: %w", app.Name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Application '%s' operation terminating\n", app.Name)
			return nil
		},
	}
	f.register(cmd, "")
	return cmd
}
