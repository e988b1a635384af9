package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/diff"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/settings"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	tsync "github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/tracking"
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
	ignore := app.Spec.IgnoreDifferences
	var cm corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKey{Namespace: o.namespace, Name: settings.ConfigMapName}, &cm); err == nil {
		set, err := settings.Parse(cm.Data)
		if err != nil {
			fmt.Fprintf(o.stderr, "warning: %v\n", err)
		}
		ignore = append(append(v1alpha1.IgnoreDifferences{}, ignore...), set.IgnoreDifferences...)
	}
	disc := dest.Discovery
	gc, err := git.NewCache(git.CacheOptions{Dir: o.cacheDir})
	if err != nil {
		return false, err
	}
	opener := &source.Opener{Git: gc, Credentials: git.SecretCredentials(c, o.namespace)}

	spec := app.Spec.DeepCopy()
	if o.revision != "" {
		if spec.Source == nil {
			return false, fmt.Errorf("application %s: --revision needs a single-source application", name)
		}
		spec.Source.TargetRevision = o.revision
	}
	kubeVersion, err := disc.KubeVersion()
	if err != nil {
		return false, err
	}
	apiVersions, _ := disc.APIVersions()
	res, err := render.RenderApp(ctx, render.AppRequest{
		AppName: tracking.AppInstanceName(app.Name, app.Namespace, o.namespace), Spec: *spec,
		KubeVersion: kubeVersion, APIVersions: apiVersions, Namespaced: disc.Namespaced, Charts: &render.HTTPCharts{},
		Open: opener.Source, Remote: opener.Remote,
	})
	if err != nil {
		return false, err
	}
	var appOptions tsync.Options
	if p := app.Spec.SyncPolicy; p != nil {
		appOptions = tsync.ParseOptions(p.SyncOptions)
	}
	different := false
	desired := map[object.ID]bool{}
	for _, t := range res.Objects {
		if tsync.IsHook(t) {
			continue
		}
		desired[object.IDOf(t)] = true
		skip := appOptions.SkipValidation || tsync.ObjectOptions(t).SkipValidation
		text, err := resourceDiff(ctx, dest.Writer, t, ignore, skip)
		if err != nil {
			return false, err
		}
		if text != "" {
			different = true
			fmt.Fprintf(out, "===== %s/%s %s/%s ======\n%s", t.GroupVersionKind().Group, t.GetKind(), t.GetNamespace(), t.GetName(), text)
		}
	}
	for _, rs := range app.Status.Resources {
		if !rs.RequiresPruning || desired[object.ID{Group: rs.Group, Kind: rs.Kind, Namespace: rs.Namespace, Name: rs.Name}] {
			continue
		}
		different = true
		fmt.Fprintf(out, "===== %s/%s %s/%s ======\n(would be pruned)\n", rs.Group, rs.Kind, rs.Namespace, rs.Name)
	}
	return different, nil
}

// resourceDiff is the unified diff between a live object and what a sync of
// desired would make of it, both normalized, with Secrets' values masked.
func resourceDiff(ctx context.Context, w *cluster.Writer, desired *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences, skipValidation bool) (string, error) {
	var liveText, wantText string
	current, err := w.Get(ctx, desired)
	switch {
	case err != nil:
		return "", fmt.Errorf("get %s %s: %w", desired.GetKind(), desired.GetName(), err)
	case current == nil:
		m, err := diff.Normalize(desired, ignore, nil)
		if err != nil {
			return "", err
		}
		want, _ := diff.HideSecretData(&unstructured.Unstructured{Object: m}, nil)
		if wantText, err = toYAML(want.Object); err != nil {
			return "", err
		}
	default:
		// As the controller compares: a Rollout's selector key on its
		// Services is the Rollout's, not a difference.
		desired = diff.KeepRolloutSelector(desired, current)
		predicted, err := w.DryRunApply(ctx, desired, skipValidation)
		if err != nil {
			return "", fmt.Errorf("dry run %s %s: %w", desired.GetKind(), desired.GetName(), err)
		}
		got, err := diff.Normalize(current, ignore, current.GetManagedFields())
		if err != nil {
			return "", err
		}
		want, err := diff.Normalize(predicted, ignore, current.GetManagedFields())
		if err != nil {
			return "", err
		}
		// Secrets' values are masked after normalizing, so that ignore
		// rules see them as they are.
		masked, maskedLive := diff.HideSecretData(&unstructured.Unstructured{Object: want}, &unstructured.Unstructured{Object: got})
		if liveText, err = toYAML(maskedLive.Object); err != nil {
			return "", err
		}
		if wantText, err = toYAML(masked.Object); err != nil {
			return "", err
		}
	}
	return diff.Unified("live", "desired", liveText, wantText, 3), nil
}

func toYAML(m map[string]any) (string, error) {
	b, err := yaml.Marshal(m)
	return string(b), err
}
