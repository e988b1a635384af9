package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newLocalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Run a local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes)",
		Long: `Run a real Kubernetes control plane as local processes, without Docker or a cloud.
Pods are scheduled onto kwok nodes, which report them Running and Ready without
running containers. Every file of a plane lives in its state directory.`,
	}
	cmd.AddCommand(newLocalUpCmd(), newLocalDownCmd(), newLocalEnvCmd(), newLocalDemoCmd())
	return cmd
}

// defaultBinDir is where the control plane binaries are: TIPHYS_BIN_DIR, else
// the directory of this executable when it holds them (make build puts both in
// bin/), else ./bin.
func defaultBinDir() string {
	if d := os.Getenv("TIPHYS_BIN_DIR"); d != "" {
		return d
	}
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		if _, err := os.Stat(filepath.Join(dir, "kube-apiserver")); err == nil {
			return dir
		}
	}
	return "bin"
}
