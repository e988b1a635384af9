package cli

import "github.com/spf13/cobra"

func newAppCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "app",
		Short: "Work with Applications (straight against Kubernetes, as argocd's core mode)",
	}
	cmd.AddCommand(newAppManifestsCmd(), newAppListCmd(), newAppGetCmd(), newAppSyncCmd(), newAppWaitCmd(),
		newAppHistoryCmd(), newAppRollbackCmd(), newAppDeleteCmd(), newAppDiffCmd(), newAppTerminateOpCmd())
	return cmd
}
