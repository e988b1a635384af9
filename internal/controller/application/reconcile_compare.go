package application

import (
	"context"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/diff"
	"github.com/tiphys/tiphys/internal/health"
	"github.com/tiphys/tiphys/internal/object"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// reconcileCompare reads the live objects from the watch cache, compares
// each target by a server-side dry run (cached while nothing changed),
// finds the objects that carry the app's tracking id but are no longer
// desired, and writes resources, sync status, health and summary.
func (r *Reconciler) reconcileCompare(ctx context.Context, st *state) error {
	app := st.app
	st.live = map[object.ID]*unstructured.Unstructured{}
	targetKeys := map[object.ID]bool{}
	kinds := map[schema.GroupVersionKind]bool{}
	var resources []v1alpha1.ResourceStatus
	var healths []*health.Status
	skipValidation := tsync.ParseOptions(syncPolicyOptions(app)).SkipValidation
	ids := make([]object.ID, 0, len(st.targets))
	for _, t := range st.targets {
		if !tsync.IsHook(t) {
			ids = append(ids, object.IDOf(t))
		}
	}
	if r.claims.set(st.instance, st.dest.Server, ids) {
		r.memo.claimsVersion.Add(1)
	}
	for i, t := range st.targets {
		if tsync.IsHook(t) {
			continue // hooks are run by syncs, not compared
		}
		id := object.IDOf(t)
		if targetKeys[id] {
			st.condition(v1alpha1.ApplicationConditionRepeatedResourceWarning,
				"Resource "+id.String()+" appeared more than once among application resources.")
		}
		targetKeys[id] = true
		gvk := t.GroupVersionKind()
		live, err := st.dest.Live.Get(ctx, gvk, t.GetNamespace(), t.GetName())
		if err != nil {
			// A kind the cluster does not know yet, such as a CRD created by
			// the same sync: the object counts as missing.
			live = nil
		} else {
			kinds[gvk] = true
		}
		st.live[id] = live
		if others := r.sharedWith(st, id, live); len(others) > 0 {
			st.condition(v1alpha1.ApplicationConditionSharedResourceWarning,
				t.GetKind()+"/"+t.GetName()+" is part of applications "+strings.Join(append(others, st.instance), " and "))
		}
		// With RespectIgnoreDifferences, ignored fields keep their live
		// values in the comparison and in the sync alike.
		t = withoutIgnored(ctx, st, t, live)
		st.targets[i] = t
		rs := resourceStatus(t)
		if live == nil {
			rs.Status = v1alpha1.SyncStatusCodeOutOfSync
			rs.Health = &v1alpha1.HealthStatus{Status: v1alpha1.HealthStatusMissing}
			healths = append(healths, &health.Status{Code: v1alpha1.HealthStatusMissing})
		} else {
			res, err := st.dest.Differ.Diff(ctx, t, live, diff.Options{Ignore: st.ignore,
				SkipValidation: skipValidation || tsync.ObjectOptions(t).SkipValidation})
			if err != nil {
				rs.Status = v1alpha1.SyncStatusCodeUnknown
				st.condition(v1alpha1.ApplicationConditionComparisonError, err.Error())
			} else if res.Modified {
				rs.Status = v1alpha1.SyncStatusCodeOutOfSync
			} else {
				rs.Status = v1alpha1.SyncStatusCodeSynced
			}
			// An app's own manifest does not count in its health: the app
			// would wait for itself (Argo CD leaves it out too).
			if hs, _ := health.Of(live, st.settings.Health); hs != nil && !selfReferenced(live, app) {
				rs.Health = &v1alpha1.HealthStatus{Status: hs.Code, Message: hs.Message}
				healths = append(healths, hs)
			}
		}
		if rs.Status != v1alpha1.SyncStatusCodeSynced {
			st.outOfSync = true
		}
		resources = append(resources, rs)
	}
	for _, rs := range app.Status.Resources {
		if !rs.Hook {
			kinds[schema.GroupVersionKind{Group: rs.Group, Version: rs.Version, Kind: rs.Kind}] = true
		}
	}
	for gvk := range kinds {
		if !st.settings.Managed(gvk.Group, gvk.Kind, st.dest.Server) {
			continue
		}
		objs, err := st.dest.Live.ByApp(ctx, gvk, st.instance)
		if err != nil {
			continue
		}
		for _, o := range objs {
			if targetKeys[object.IDOf(o)] || o.GetDeletionTimestamp() != nil || !ownTrackingID(o, st.instance) || tsync.IsHook(o) {
				continue
			}
			st.orphans = append(st.orphans, o)
			rs := resourceStatus(o)
			rs.Status, rs.RequiresPruning = v1alpha1.SyncStatusCodeOutOfSync, true
			resources = append(resources, rs)
			// IgnoreExtraneous: an object that is not in Git does not make
			// the app OutOfSync (it is still listed, and pruned if asked).
			if !hasCompareOption(o, "IgnoreExtraneous") {
				st.outOfSync = true
			}
		}
	}
	sort.Slice(resources, func(i, j int) bool { return resourceLess(resources[i], resources[j]) })
	app.Status.Resources = resources

	sync := v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCodeSynced,
		ComparedTo: v1alpha1.ComparedTo{Destination: app.Spec.Destination, Sources: app.Spec.Sources, IgnoreDifferences: app.Spec.IgnoreDifferences}}
	if app.Spec.Source != nil {
		sync.ComparedTo.Source = *app.Spec.Source
	}
	if st.outOfSync {
		sync.Status = v1alpha1.SyncStatusCodeOutOfSync
	}
	if len(app.Spec.Sources) > 0 {
		sync.Revisions = st.revisions
	} else if len(st.revisions) > 0 {
		sync.Revision = st.revisions[0]
	}
	app.Status.Sync = sync

	code := health.Aggregate(healths...)
	if app.Status.Health.Status != code {
		now := metav1.Now()
		app.Status.Health.LastTransitionTime = &now
	}
	app.Status.Health.Status = code
	app.Status.Summary = summary(st.targets, st.live)
	return nil
}

// sharedWith lists the other applications that render the object id or
// whose tracking id its live object carries.
func (r *Reconciler) sharedWith(st *state, id object.ID, live *unstructured.Unstructured) []string {
	others := r.claims.others(st.instance, st.dest.Server, id)
	if owner := trackingApp(live); owner != "" && owner != st.instance && !slices.Contains(others, owner) {
		others = append(others, owner)
	}
	return others
}

// ownTrackingID reports whether o's tracking id names o itself for this
// app: a copied annotation does not make an object the app's.
func ownTrackingID(o *unstructured.Unstructured, app string) bool {
	id := o.GetAnnotations()["argocd.argoproj.io/tracking-id"]
	gvk := o.GroupVersionKind()
	return id == app+":"+gvk.Group+"/"+gvk.Kind+":"+o.GetNamespace()+"/"+o.GetName()
}

// trackingApp is the application instance in a live object's tracking id.
func trackingApp(o *unstructured.Unstructured) string {
	if o == nil {
		return ""
	}
	id := o.GetAnnotations()["argocd.argoproj.io/tracking-id"]
	app, _, _ := strings.Cut(id, ":")
	return app
}

// sharedResources describes targets whose live objects belong to another app.
func sharedResources(st *state, targets []*unstructured.Unstructured) []string {
	var shared []string
	for _, t := range targets {
		if owner := trackingApp(st.live[object.IDOf(t)]); owner != "" && owner != st.instance {
			shared = append(shared, t.GetKind()+"/"+t.GetName()+" (part of "+owner+")")
		}
	}
	return shared
}

func resourceStatus(o *unstructured.Unstructured) v1alpha1.ResourceStatus {
	gvk := o.GroupVersionKind()
	return v1alpha1.ResourceStatus{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind,
		Namespace: o.GetNamespace(), Name: o.GetName(), Hook: tsync.IsHook(o), SyncWave: int64(tsync.Wave(o))}
}

func resourceLess(a, b v1alpha1.ResourceStatus) bool {
	return statusID(a).Less(statusID(b))
}

// statusID is the identity of a resource in status.resources.
func statusID(r v1alpha1.ResourceStatus) object.ID {
	return object.ID{Group: r.Group, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
}

// withoutIgnored returns the desired object with the live values of ignored
// fields when RespectIgnoreDifferences is on, so a sync leaves them alone,
// and with the selector key a Rollout sets on its Services
// (diff.KeepRolloutSelector) always.
func withoutIgnored(ctx context.Context, st *state, desired, live *unstructured.Unstructured) *unstructured.Unstructured {
	desired = diff.KeepRolloutSelector(desired, live)
	if live == nil || !tsync.ParseOptions(syncPolicyOptions(st.app)).RespectIgnoreDifferences {
		return desired
	}
	var managed []metav1.ManagedFieldsEntry
	if diff.NeedsManagedFields(st.ignore, desired) {
		// Read failures leave the managers' fields to the sync, as without the rule.
		managed, _ = st.dest.Live.ManagedFields(ctx, live)
	}
	// A jq expression that does not parse is a ComparisonError of the
	// comparison; the other rules still keep their live values.
	out, _ := diff.KeepIgnored(desired, live, st.ignore, managed)
	return out
}

func syncPolicyOptions(app *v1alpha1.Application) v1alpha1.SyncOptions {
	if app.Spec.SyncPolicy == nil {
		return nil
	}
	return app.Spec.SyncPolicy.SyncOptions
}

// hasCompareOption reports an option of the argocd.argoproj.io/compare-options annotation.
func hasCompareOption(o *unstructured.Unstructured, opt string) bool {
	for _, v := range strings.Split(o.GetAnnotations()["argocd.argoproj.io/compare-options"], ",") {
		if strings.TrimSpace(v) == opt {
			return true
		}
	}
	return false
}

// summary lists the images of the desired objects and the external URLs
// of the app's objects, live ones where they exist (see externalURLs).
func summary(targets []*unstructured.Unstructured, live map[object.ID]*unstructured.Unstructured) v1alpha1.ApplicationSummary {
	var s v1alpha1.ApplicationSummary
	seen := map[string]bool{}
	for _, t := range targets {
		for _, img := range tsync.Images(t) {
			if !seen[img] {
				seen[img] = true
				s.Images = append(s.Images, img)
			}
		}
		o := t
		if l := live[object.IDOf(t)]; l != nil {
			o = l
		}
		for _, u := range externalURLs(o) {
			if !seen["url:"+u] {
				seen["url:"+u] = true
				s.ExternalURLs = append(s.ExternalURLs, u)
			}
		}
	}
	sort.Strings(s.Images)
	sort.Strings(s.ExternalURLs)
	return s
}
