package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Tiphys version and the Kubernetes version it was built against",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "tiphys %s\nkubernetes %s (client-go %s)\n",
				version.Version, version.Kubernetes, version.ClientGo())
			return err
		},
	}
}
