package cli

import "github.com/spf13/cobra"

func newAppCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "app",
		Short: "Work with Applications",
	}
	cmd.AddCommand(newAppManifestsCmd())
	return cmd
}
