package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/compare"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
)

type appDiffOptions struct {
	appFlags
	revision string
	exitCode bool
	cacheDir string
	stderr   io.Writer
}

func newAppDiffCmd() *cobra.Command {
	o := &appDiffOptions{}
	cmd := &cobra.Command{
		Use:   "diff NAME",
		Short: "Show what a sync would change in the live cluster (optionally for another revision, such as a PR branch)",
		Long: `Render the Application (at --revision if given: a branch, tag or SHA) and show, per
resource, how a sync would change the live object: a unified diff of the live object and
the server's server-side-apply dry run, after the app's ignoreDifferences and those of
argocd-cm (resource.customizations.ignoreDifferences.*). Secret values are masked as Argo CD
masks them: runs of "+", the same run for equal values, a longer one where they differ.
Applications whose destination is another cluster are compared with that cluster, through
its cluster Secret. Resources that would be pruned are shown as removed.

Exit codes: 0 no difference, 1 differences (with --exit-code, the default), 2 an error.`,
		Example: `  tiphys app diff guestbook
  tiphys app diff guestbook --revision feature/new-replicas`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.stderr = cmd.ErrOrStderr()
			different, err := o.run(cmd.Context(), cmd.OutOrStdout(), args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if different && o.exitCode {
				return exitWith(1) // a difference is the answer, not an error
			}
			return nil
		},
	}
	o.register(cmd, "")
	cmd.Flags().StringVar(&o.revision, "revision", "", "compare this revision instead of the target revision")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", true, "exit with 1 when there are differences")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("repos"), "where repositories are cloned")
	return cmd
}

func (o *appDiffOptions) run(ctx context.Context, out io.Writer, name string) (bool, error) {
	c, err := o.client()
	if err != nil {
		return false, err
	}
	app, err := o.getApp(ctx, c, name)
	if err != nil {
		return false, err
	}
	if ac, ok := c.(*apiClient); ok {
		if o.revision != "" {
			return false, fmt.Errorf("--revision: %w", errNotThroughServer)
		}
		return ac.printServerDiff(ctx, out, app.Namespace, app.Name)
	}
	cfg, err := loadKubeconfig(o.kubeconfig)
	if err != nil {
		return false, err
	}
	// The destination, as the controller finds it: this cluster, or the one
	// a cluster Secret names.
	local, err := cluster.Connect(cluster.InCluster, cfg, cluster.ConnectOptions{FieldManager: cluster.FieldManager})
	if err != nil {
		return false, err
	}
	registry := &cluster.Registry{Client: c, Namespace: o.namespace, Local: local,
		Options: cluster.ConnectOptions{FieldManager: cluster.FieldManager}}
	dest, err := registry.Resolve(ctx, app.Spec.Destination)
	if err != nil {
		return false, fmt.Errorf("application %s: %w", name, err)
	}
	gc, err := git.NewCache(git.CacheOptions{Dir: o.cacheDir})
	if err != nil {
		return false, err
	}
	res, err := compare.App(ctx, compare.Request{App: app, Revision: o.revision, Client: c, Namespace: o.namespace,
		Destination: dest, Opener: &source.Opener{Git: gc, Credentials: git.SecretCredentials(c, o.namespace)}})
	if err != nil {
		return false, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.stderr, "warning: %s\n", w)
	}
	different := len(res.Pruned) > 0
	for _, r := range res.Resources {
		if r.Diff != "" {
			different = true
			fmt.Fprintf(out, "===== %s/%s %s/%s ======\n%s", r.ID.Group, r.ID.Kind, r.ID.Namespace, r.ID.Name, r.Diff)
		}
	}
	for _, rs := range res.Pruned {
		fmt.Fprintf(out, "===== %s/%s %s/%s ======\n(would be pruned)\n", rs.Group, rs.Kind, rs.Namespace, rs.Name)
	}
	return different, nil
}
