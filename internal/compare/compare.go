// Package compare shows how a sync would change an Application's live
// objects: the app rendered at its target revision (or another), each
// desired object beside its live object and the destination's server-side
// apply dry run of it, both normalized as the controller compares them
// (ignoreDifferences of the app and of argocd-cm, managed fields), with
// Secrets' values masked. `tiphys app diff` prints it; the API server's
// managed-resources answers it (Argo CD's targetState, normalizedLiveState,
// predictedLiveState and diff).
package compare

import (
	"context"
	"fmt"

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
	tsync "github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/tracking"
)

// Request is one comparison.
type Request struct {
	// App is the Application; Revision, when set, replaces a single-source
	// app's targetRevision (a branch, tag or SHA).
	App      *v1alpha1.Application
	Revision string
	// Client reads argocd-cm in Namespace, Argo CD's namespace (also the
	// tracking id's default namespace).
	Client    client.Client
	Namespace string
	// Destination is the app's cluster, as cluster.Registry resolves it.
	Destination *cluster.Destination
	// Opener reads the app's sources.
	Opener *source.Opener
}

// Resource is one desired object and its live counterpart. Maps are
// objects as JSON-like maps with Secrets' values masked; nil when there is
// none.
type Resource struct {
	ID object.ID
	// Target is the object as rendered, normalized.
	Target map[string]any
	// NormalizedLive is the live object normalized; PredictedLive is what
	// the dry run of the sync makes of it, normalized the same way (the
	// target when the object does not exist).
	NormalizedLive, PredictedLive map[string]any
	// Diff is the unified diff (YAML) from NormalizedLive to
	// PredictedLive; "" when they are the same.
	Diff string
}

// Result is an app's comparison.
type Result struct {
	// Resources are the desired objects but hooks, in render order.
	Resources []Resource
	// Pruned are the app's resources a sync with prune would delete.
	Pruned []v1alpha1.ResourceStatus
	// Warnings are settings that did not parse (the comparison went on
	// without them).
	Warnings []string
}

// App compares req.App. Errors name the app and the cause: a revision on a
// multi-source app, a render failure, a dry run the destination refuses.
func App(ctx context.Context, req Request) (*Result, error) {
	app := req.App
	res := &Result{}
	ignore := app.Spec.IgnoreDifferences
	var cm corev1.ConfigMap
	if err := req.Client.Get(ctx, client.ObjectKey{Namespace: req.Namespace, Name: settings.ConfigMapName}, &cm); err == nil {
		set, err := settings.Parse(cm.Data)
		if err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
		ignore = append(append(v1alpha1.IgnoreDifferences{}, ignore...), set.IgnoreDifferences...)
	}
	spec := app.Spec.DeepCopy()
	if req.Revision != "" {
		if spec.Source == nil {
			return nil, fmt.Errorf("application %s: a revision needs a single-source application", app.Name)
		}
		spec.Source.TargetRevision = req.Revision
	}
	disc := req.Destination.Discovery
	kubeVersion, err := disc.KubeVersion()
	if err != nil {
		return nil, fmt.Errorf("application %s: destination: %w", app.Name, err)
	}
	apiVersions, _ := disc.APIVersions()
	rendered, err := render.RenderApp(ctx, render.AppRequest{
		AppName: tracking.AppInstanceName(app.Name, app.Namespace, req.Namespace), Spec: *spec,
		KubeVersion: kubeVersion, APIVersions: apiVersions, Namespaced: disc.Namespaced, Charts: &render.HTTPCharts{},
		Open: req.Opener.Source, Remote: req.Opener.Remote,
	})
	if err != nil {
		return nil, fmt.Errorf("application %s: %w", app.Name, err)
	}
	var appOptions tsync.Options
	if p := app.Spec.SyncPolicy; p != nil {
		appOptions = tsync.ParseOptions(p.SyncOptions)
	}
	desired := map[object.ID]bool{}
	for _, t := range rendered.Objects {
		if tsync.IsHook(t) {
			continue
		}
		desired[object.IDOf(t)] = true
		skip := appOptions.SkipValidation || tsync.ObjectOptions(t).SkipValidation
		r, err := Object(ctx, req.Destination.Writer, t, ignore, skip)
		if err != nil {
			return nil, fmt.Errorf("application %s: %w", app.Name, err)
		}
		res.Resources = append(res.Resources, r)
	}
	for _, rs := range app.Status.Resources {
		if rs.RequiresPruning && !desired[object.ID{Group: rs.Group, Kind: rs.Kind, Namespace: rs.Namespace, Name: rs.Name}] {
			res.Pruned = append(res.Pruned, rs)
		}
	}
	return res, nil
}

// Object compares one desired object with its live object on w and what a
// sync of it would make of the live object (the server-side apply dry
// run, skipValidation as the Validate=false sync option), after the
// ignore rules. Errors name the object: a read or dry run the destination
// refuses.
func Object(ctx context.Context, w *cluster.Writer, desired *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences, skipValidation bool) (Resource, error) {
	r := Resource{ID: object.IDOf(desired)}
	target, err := diff.Normalize(desired, ignore, nil)
	if err != nil {
		return r, err
	}
	masked, _ := diff.HideSecretData(&unstructured.Unstructured{Object: target}, nil)
	r.Target = masked.Object
	current, err := w.Get(ctx, desired)
	switch {
	case err != nil:
		return r, fmt.Errorf("get %s %s: %w", desired.GetKind(), desired.GetName(), err)
	case current == nil:
		r.PredictedLive = r.Target
		r.Diff, err = unified(nil, r.Target)
		return r, err
	}
	// As the controller compares: a Rollout's selector key on its Services
	// is the Rollout's, not a difference.
	desired = diff.KeepRolloutSelector(desired, current)
	predicted, err := w.DryRunApply(ctx, desired, skipValidation)
	if err != nil {
		return r, fmt.Errorf("dry run %s %s: %w", desired.GetKind(), desired.GetName(), err)
	}
	got, err := diff.Normalize(current, ignore, current.GetManagedFields())
	if err != nil {
		return r, err
	}
	want, err := diff.Normalize(predicted, ignore, current.GetManagedFields())
	if err != nil {
		return r, err
	}
	// Secrets' values are masked after normalizing, so that ignore rules
	// see them as they are.
	maskedWant, maskedLive := diff.HideSecretData(&unstructured.Unstructured{Object: want}, &unstructured.Unstructured{Object: got})
	r.NormalizedLive, r.PredictedLive = maskedLive.Object, maskedWant.Object
	r.Diff, err = unified(r.NormalizedLive, r.PredictedLive)
	return r, err
}

// unified is the YAML diff from live to want ("" when equal).
func unified(live, want map[string]any) (string, error) {
	var liveText, wantText string
	if live != nil {
		b, err := yaml.Marshal(live)
		if err != nil {
			return "", err
		}
		liveText = string(b)
	}
	b, err := yaml.Marshal(want)
	if err != nil {
		return "", err
	}
	wantText = string(b)
	return diff.Unified("live", "desired", liveText, wantText, 3), nil
}
