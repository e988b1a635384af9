package cli

import (
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/localcluster"
)

type localUpOptions struct {
	dir    string
	binDir string
	nodes  int
	detach bool
}

func newLocalUpCmd() *cobra.Command {
	o := &localUpOptions{}
	cmd := &cobra.Command{
		Use:   "up --dir DIR",
		Short: "Start a local control plane and write DIR/kubeconfig",
		Long: `Start a local control plane in DIR and write DIR/kubeconfig once the API is ready
and the nodes are Ready. Without --detach the plane runs until Ctrl-C or SIGTERM;
with --detach it runs in the background until 'tiphys local down --dir DIR'.
Starting again on an existing DIR keeps its objects.`,
		Example: `  tiphys local up --dir .state/local --detach --nodes 2
  export KUBECONFIG=.state/local/kubeconfig
  kubectl get nodes
  tiphys local down --dir .state/local`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	cmd.Flags().StringVar(&o.dir, "dir", "", "state directory of the plane (required)")
	cmd.Flags().StringVar(&o.binDir, "bin-dir", defaultBinDir(), "directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok")
	cmd.Flags().IntVar(&o.nodes, "nodes", 1, "number of kwok nodes")
	cmd.Flags().BoolVar(&o.detach, "detach", false, "run in the background and return once ready")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}

func (o *localUpOptions) run(cmd *cobra.Command) error {
	out := cmd.OutOrStdout()
	if o.detach {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find own executable: %w", err)
		}
		kubeconfig, err := localcluster.Detach(cmd.Context(), localcluster.DetachOptions{
			Dir: o.dir,
			Command: []string{exe, "local", "up", "--dir", o.dir, "--bin-dir", o.binDir,
				"--nodes", strconv.Itoa(o.nodes)},
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "local control plane ready\nexport KUBECONFIG=%s\n", kubeconfig)
		return nil
	}
	c, err := localcluster.Start(cmd.Context(), localcluster.Options{
		Dir: o.dir, BinDir: o.binDir, Nodes: o.nodes,
		Logf: func(format string, args ...any) { fmt.Fprintf(cmd.ErrOrStderr(), format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "local control plane ready\nexport KUBECONFIG=%s\n", c.Kubeconfig)
	select {
	case <-cmd.Context().Done():
		fmt.Fprintln(cmd.ErrOrStderr(), "stopping local control plane")
		c.Stop()
		return nil
	case <-c.Done():
		return c.Err()
	}
}
