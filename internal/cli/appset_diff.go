package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/diff"
)

type appsetDiffOptions struct {
	coreFlags
	file      string
	repoPaths []string
	cacheDir  string
	stderr    io.Writer
}

func newAppsetDiffCmd() *cobra.Command {
	o := &appsetDiffOptions{}
	cmd := &cobra.Command{
		Use:   "diff NAME | -f FILE",
		Short: "Show which Applications an ApplicationSet would create, change and delete now",
		Long: `Generate what the set would make now, with the controller's code against the cluster's
cluster Secrets, repository credentials and AppProjects, and compare it with the
Applications the set owns in the cluster. NAME compares the live set's spec; -f FILE
compares a set file (an edited copy, say) with the Applications of the live set of the
same name, if there is one.

The output lists the Applications the set would create (their YAML), change (a unified
diff of their labels, annotations, finalizers and spec as the controller would write
them: preservedFields, ignoreApplicationDifferences and a RollingSync's own changes
left out) and delete. Deletions wait, as in the controller, while an element fails.

Exit codes: 0 no difference, 1 differences, 2 an error (a failed generator or element
included).`,
		Example: `  tiphys appset diff services
  tiphys appset diff -f argocd/appsets/services.yaml --repo-path https://git.example.com/platform/gitops.git=.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.stderr = cmd.ErrOrStderr()
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if (name == "") == (o.file == "") {
				return &exitError{code: 2, err: errors.New("give one of NAME or -f FILE")}
			}
			different, _, err := o.run(cmd.Context(), cmd.OutOrStdout(), name)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if different {
				return exitWith(1) // a difference is the answer, not an error
			}
			return nil
		},
	}
	o.register(cmd, "")
	o.registerServer(cmd)
	o.kubeOnlyVerb(cmd)
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "compare this ApplicationSet file instead of a live set")
	cmd.Flags().StringArrayVar(&o.repoPaths, "repo-path", nil, "read repository URL from a local directory: URL=DIR (repeatable)")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("repos"), "where repositories are cloned")
	return cmd
}

// run prints the plan and reports whether anything would change.
func (o *appsetDiffOptions) run(ctx context.Context, out io.Writer, name string) (bool, *v1alpha1.ApplicationSet, error) {
	c, err := o.client()
	if err != nil {
		return false, nil, err
	}
	set, live, err := o.sets(ctx, c, name)
	if err != nil {
		return false, nil, err
	}
	in := &generateInputs{repoPaths: o.repoPaths, cacheDir: o.cacheDir, client: c, namespace: o.namespace}
	gen, err := in.generate(ctx, set)
	if err != nil {
		return false, set, err
	}
	var owned []*v1alpha1.Application
	if live != nil {
		if owned, err = ownedBy(ctx, c, live); err != nil {
			return false, set, err
		}
	}
	plan, err := planAppset(set, gen.apps, owned)
	if err != nil {
		return false, set, fmt.Errorf("applicationset %s/%s: %w", set.Namespace, set.Name, err)
	}
	held := len(gen.problems) > 0
	if err := plan.print(out, held); err != nil {
		return false, set, err
	}
	if sp := set.Spec.SyncPolicy; sp != nil && sp.ApplicationsSync != nil && *sp.ApplicationsSync != "sync" {
		fmt.Fprintf(o.stderr, "note: syncPolicy.applicationsSync is %s: with the controller's policy override, it skips what that policy forbids\n",
			*sp.ApplicationsSync)
	}
	if err := gen.problem(set); err != nil {
		return false, set, err
	}
	return plan.different(), set, nil
}

// sets reads the set to generate (the live one, or the file's) and the live
// set whose Applications it is compared with (nil when a file's set is not
// in the cluster: every Application is then new).
func (o *appsetDiffOptions) sets(ctx context.Context, c client.Reader, name string) (set, live *v1alpha1.ApplicationSet, err error) {
	if name != "" {
		live, err = getAppset(ctx, c, o.namespace, name)
		return live, live, err
	}
	if set, err = readApplicationSet(o.file, o.namespace); err != nil {
		return nil, nil, err
	}
	live, err = getAppset(ctx, c, set.Namespace, set.Name)
	if apierrors.IsNotFound(err) {
		return set, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return set, live, nil
}

// print writes each Application the plan creates, changes or deletes with
// a header line, then a summary.
func (p *appsetPlan) print(out io.Writer, held bool) error {
	for _, ch := range p.changes {
		switch ch.action {
		case actionDelete:
			if held {
				fmt.Fprintf(out, "===== %s/Application %s/%s (no longer generated; deletion held while elements fail) ======\n",
					v1alpha1.Group, ch.namespace, ch.name)
				continue
			}
			fmt.Fprintf(out, "===== %s/Application %s/%s (delete) ======\n(would be deleted)\n", v1alpha1.Group, ch.namespace, ch.name)
		default:
			fmt.Fprintf(out, "===== %s/Application %s/%s (%s) ======\n%s", v1alpha1.Group, ch.namespace, ch.name, ch.action,
				diff.Unified("live", "desired", ch.live, ch.desired, 3))
		}
	}
	if held {
		p.dropDeletes()
	}
	c, u, d := p.counts()
	_, err := fmt.Fprintf(out, "%d to create, %d to change, %d to delete\n", c, u, d)
	return err
}
