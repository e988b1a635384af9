package cli

import "github.com/spf13/cobra"

func newPreviewCmd() *cobra.Command {
	return &cobra.Command{Use: "preview", Short: "Show what a branch would change in the cluster's Applications"}
}
