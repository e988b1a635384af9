package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newLocalEnvCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:     "env --dir DIR",
		Short:   "Print the shell line that points kubectl at the plane in DIR",
		Example: `  eval "$(tiphys local env --dir .state/local)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fmt.Errorf("state directory %q: %w", dir, err)
			}
			kubeconfig := filepath.Join(abs, "kubeconfig")
			if _, err := os.Stat(kubeconfig); err != nil {
				return fmt.Errorf("no kubeconfig in %s (tiphys local up --dir %s): %w", abs, dir, err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "export KUBECONFIG=%s\n", kubeconfig)
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "state directory of the plane (required)")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}
