package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/compare"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/settings"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	tsync "github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/tracking"
)

// Changes of an object or an Application in a preview.
const (
	changeAdded    = "added"
	changeModified = "modified"
	changeDeleted  = "deleted"
	// changeFailed is an Application that failed to render at the
	// revision: what it would change is unknown.
	changeFailed = "failed"
)

// previewObject is one object a sync of the revision would change.
type previewObject struct {
	Group     string `json:"group"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Change    string `json:"change"`
	Diff      string `json:"diff,omitempty"`
}

// previewDiffer compares Applications rendered at the previewed revision
// with the live cluster, as `app diff --revision` does.
type previewDiffer struct {
	client    client.Client
	namespace string
	registry  *cluster.Registry
	opener    *source.Opener
	ignore    v1alpha1.IgnoreDifferences // argocd-cm's
	repo      *previewRepo
}

// newPreviewDiffer connects to the cluster and its destinations with the
// constructors `app diff` uses.
func newPreviewDiffer(ctx context.Context, o *previewOptions, c client.Client, repo *previewRepo, stderr io.Writer) (*previewDiffer, error) {
	cfg, err := loadKubeconfig(o.kubeconfig)
	if err != nil {
		return nil, err
	}
	local, err := cluster.Connect(cluster.InCluster, cfg, cluster.ConnectOptions{FieldManager: cluster.FieldManager})
	if err != nil {
		return nil, err
	}
	d := &previewDiffer{client: c, namespace: o.namespace, repo: repo,
		registry: &cluster.Registry{Client: c, Namespace: o.namespace, Local: local, Options: cluster.ConnectOptions{FieldManager: cluster.FieldManager}}}
	var cm corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKey{Namespace: o.namespace, Name: settings.ConfigMapName}, &cm); err == nil {
		set, err := settings.Parse(cm.Data)
		if err != nil {
			fmt.Fprintf(stderr, "warning: %v\n", err)
		}
		d.ignore = set.IgnoreDifferences
	}
	gc, err := git.NewCache(git.CacheOptions{Dir: o.cacheDir})
	if err != nil {
		return nil, err
	}
	d.opener = &source.Opener{Git: gc, Credentials: git.SecretCredentials(c, o.namespace)}
	return d, nil
}

// open reads the sources of the previewed repository from the local
// clone at the revision, and the others as the app names them.
func (d *previewDiffer) open(ctx context.Context, src v1alpha1.ApplicationSource) (fs.FS, string, error) {
	if d.repo.owns(src.RepoURL) {
		src.RepoURL, src.TargetRevision = d.repo.fileURL(), d.repo.revision.Hash.String()
	}
	return d.opener.Source(ctx, src)
}

// diff lists the objects a sync of the app at the revision would add,
// change or delete (live objects of the app that the revision no longer
// renders). Its errors are the app's: the caller names it.
func (d *previewDiffer) diff(ctx context.Context, app *v1alpha1.Application) ([]previewObject, error) {
	dest, err := d.registry.Resolve(ctx, app.Spec.Destination)
	if err != nil {
		return nil, err
	}
	ignore := append(append(v1alpha1.IgnoreDifferences{}, app.Spec.IgnoreDifferences...), d.ignore...)
	disc := dest.Discovery
	kubeVersion, err := disc.KubeVersion()
	if err != nil {
		return nil, err
	}
	apiVersions, _ := disc.APIVersions()
	res, err := render.RenderApp(ctx, render.AppRequest{
		AppName: tracking.AppInstanceName(app.Name, app.Namespace, d.namespace), Spec: app.Spec,
		KubeVersion: kubeVersion, APIVersions: apiVersions, Namespaced: disc.Namespaced, Charts: &render.HTTPCharts{},
		Open: d.open, Remote: d.opener.Remote,
	})
	if err != nil {
		return nil, fmt.Errorf("render at %s: %w", d.repo.revision.Hash.String()[:7], err)
	}
	var appOptions tsync.Options
	if p := app.Spec.SyncPolicy; p != nil {
		appOptions = tsync.ParseOptions(p.SyncOptions)
	}
	var out []previewObject
	desired := map[object.ID]bool{}
	for _, t := range res.Objects {
		if tsync.IsHook(t) {
			continue
		}
		desired[object.IDOf(t)] = true
		live, err := dest.Writer.Get(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("get %s %s: %w", t.GetKind(), t.GetName(), err)
		}
		skip := appOptions.SkipValidation || tsync.ObjectOptions(t).SkipValidation
		cmp, err := compare.Object(ctx, dest.Writer, t, ignore, skip)
		if err != nil {
			return nil, err
		}
		text := cmp.Diff
		if text == "" {
			continue
		}
		change := changeModified
		if live == nil {
			change = changeAdded
		}
		out = append(out, previewObject{Group: t.GroupVersionKind().Group, Kind: t.GetKind(), Namespace: t.GetNamespace(),
			Name: t.GetName(), Change: change, Diff: text})
	}
	for _, rs := range app.Status.Resources {
		if desired[object.ID{Group: rs.Group, Kind: rs.Kind, Namespace: rs.Namespace, Name: rs.Name}] {
			continue
		}
		out = append(out, previewObject{Group: rs.Group, Kind: rs.Kind, Namespace: rs.Namespace, Name: rs.Name, Change: changeDeleted})
	}
	return out, nil
}
