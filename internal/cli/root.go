// Package cli holds the tiphys commands: one file per verb, each an options
// struct with a Run method, built into cobra commands without globals.
package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Main runs the tiphys command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := NewRootCmd(stdout, stderr)
	root.SetArgs(args)
	return exitCodeOf(root.ExecuteContext(ctx), stderr)
}

// NewRootCmd builds the tiphys command tree.
func NewRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "tiphys",
		Short: "Tiphys is a GitOps engine for Kubernetes, compatible with Argo CD and Argo Rollouts",
		Long: `Tiphys keeps Kubernetes clusters in the state a Git repository describes. It reads
Argo CD's resources (Application, ApplicationSet, AppProject) unchanged.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newVersionCmd(),
		newLocalCmd(),
		newInstallCmd(),
		newAppCmd(),
		newAdminCmd(),
		newControllerCmd(),
		newServerCmd(),
		newLoginCmd(), newLogoutCmd(),
		newProjCmd(),
		newClusterCmd(),
		newRepoCmd(),
		newAppsetCmd(),
		newRolloutCmd(),
		newPromoteCmd(), newPreviewCmd(),
	)
	return root
}
