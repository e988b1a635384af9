package application

import (
	"context"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// Finalizers that make deleting an Application delete its resources.
const (
	finalizer           = "resources-finalizer.argocd.argoproj.io"
	finalizerForeground = "resources-finalizer.argocd.argoproj.io/foreground"
	finalizerBackground = "resources-finalizer.argocd.argoproj.io/background"
)

// reconcileDelete cascades the deletion of an Application with a resources
// finalizer to every live object it tracks (hook objects included), then
// removes the finalizer.
// Without the finalizer the resources stay.
// A destination that cannot be resolved or reached blocks the deletion
// with a DeletionError condition that says why; nothing is left silently.
func (r *Reconciler) reconcileDelete(ctx context.Context, st *state, orig *v1alpha1.Application, destErr error) (ctrl.Result, error) {
	app := st.app
	var fin string
	for _, f := range []string{finalizer, finalizerForeground, finalizerBackground} {
		if slices.Contains(app.Finalizers, f) {
			fin = f
		}
	}
	if fin == "" {
		return ctrl.Result{}, nil
	}
	policy := metav1.DeletePropagationForeground
	if fin == finalizerBackground {
		policy = metav1.DeletePropagationBackground
	}
	blocked := func(err error) (ctrl.Result, error) {
		setConditions(app, []v1alpha1.ApplicationCondition{{Type: v1alpha1.ApplicationConditionDeletionError,
			Message: "cannot delete the resources of the application: " + err.Error()}})
		if !equalJSON(app.Status, orig.Status) {
			_ = r.client.Patch(ctx, app, client.MergeFrom(orig))
		}
		return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
	}
	if destErr != nil {
		return blocked(destErr)
	}
	if err := st.dest.Reachable(ctx); err != nil {
		return blocked(err)
	}
	instance := st.instance
	kinds := map[schema.GroupVersionKind]bool{}
	for _, rs := range app.Status.Resources {
		kinds[schema.GroupVersionKind{Group: rs.Group, Version: rs.Version, Kind: rs.Kind}] = true
	}
	// Hooks are not resources, but their objects carry the tracking id and
	// are deleted too, as Argo CD deletes them: the last sync's results
	// name their kinds.
	if os := app.Status.OperationState; os != nil && os.SyncResult != nil {
		for _, rr := range os.SyncResult.Resources {
			kinds[schema.GroupVersionKind{Group: rr.Group, Version: rr.Version, Kind: rr.Kind}] = true
		}
	}
	remaining := 0
	var failure error
	for gvk := range kinds {
		objs, err := st.dest.Live.ByApp(ctx, gvk, instance)
		if meta.IsNoMatchError(err) {
			// The cluster does not serve the kind (after a fresh look at
			// its discovery): its CRD never came or is gone, and no object
			// of it is left to delete.
			continue
		}
		if err != nil {
			failure = err
			continue
		}
		for _, o := range objs {
			if !ownTrackingID(o, instance) || !deletedWithApp(o, app) {
				continue
			}
			remaining++
			if o.GetDeletionTimestamp() == nil {
				if err := st.dest.Writer.Delete(ctx, o, cluster.DeleteOptions{Propagation: policy}); err != nil {
					failure = err
				}
			}
		}
	}
	if failure != nil {
		return blocked(failure)
	}
	if remaining > 0 {
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	app.Finalizers = slices.DeleteFunc(app.Finalizers, func(f string) bool { return f == fin })
	return ctrl.Result{}, client.IgnoreNotFound(r.client.Patch(ctx, app, client.MergeFrom(orig)))
}

// deletedWithApp tells whether an object the app tracks goes with it, as
// Argo CD decides: not a CustomResourceDefinition (its deletion would take
// every custom resource of its kind, anyone's), not the Application itself
// (an app that manages its own manifest would wait for itself forever), not
// one with Delete=false or Helm's resource policy keep.
func deletedWithApp(o *unstructured.Unstructured, app *v1alpha1.Application) bool {
	gvk := o.GroupVersionKind()
	switch {
	case gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition":
		return false
	case selfReferenced(o, app):
		return false
	}
	return !tsync.ObjectOptions(o).NoDelete
}
