package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/localcluster"
)

func newLocalDemoDownCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "down --dir DIR",
		Short: "Stop the demo in DIR: controllers, Git server and both planes (its files stay)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fmt.Errorf("demo directory %q: %w", dir, err)
			}
			if err := demoDown(cmd, abs); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "demo in %s stopped\n", abs)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory of the demo (required)")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}

// demoDown stops every process of the demo in dir; nothing running is not
// an error.
func demoDown(cmd *cobra.Command, dir string) error {
	for _, name := range demoProcesses {
		stopDetached(dir, name)
	}
	for _, plane := range []string{demoManagement, demoWorkload} {
		if err := localcluster.Down(cmd.Context(), filepath.Join(dir, plane)); err != nil {
			return fmt.Errorf("stop %s plane: %w", plane, err)
		}
	}
	return nil
}
