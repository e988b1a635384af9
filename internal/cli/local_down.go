package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/localcluster"
)

func newLocalDownCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "down --dir DIR",
		Short: "Stop the local control plane running in DIR (its data stays)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := localcluster.Down(cmd.Context(), dir); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "local control plane in %s stopped\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "state directory of the plane (required)")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}
