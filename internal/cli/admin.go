package cli

import "github.com/spf13/cobra"

func newAdminCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Tools for operators: inspect what Tiphys would decide, offline",
	}
	cmd.AddCommand(newAdminHealthCmd())
	return cmd
}
