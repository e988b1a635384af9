// Package applicationset reconciles ApplicationSets as Argo CD's
// ApplicationSet controller does: its generators (package generators) and
// template (package template) make Applications, which it creates,
// updates and deletes within the set's sync policy. Unlike Argo CD it never
// changes or deletes an Application because something failed: a generator
// error, a template error or a failed Secret list leaves every existing
// Application as it is, deletions wait until every generator succeeded and
// stay within a deletion budget, and a progressive (RollingSync) rollout
// leaves automated sync on for the apps whose step it has reached.
package applicationset

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Policy is the controller-wide applications sync policy (--policy).
type Policy = v1alpha1.ApplicationsSyncPolicy

// Reconciler reconciles ApplicationSets.
type Reconciler struct {
	// Client reads and writes ApplicationSets, Applications, AppProjects
	// and Secrets.
	Client client.Client
	// Dynamic lists the resources of clusterDecisionResource generators.
	Dynamic dynamic.Interface
	// Namespace is the controller's: cluster and repository Secrets,
	// plugin ConfigMaps, AppProjects.
	Namespace string
	// Git is the clone cache shared with the application controller.
	Git *git.Cache
	// Policy limits what the controller does to Applications (default
	// sync); PolicyOverride lets a set's syncPolicy.applicationsSync
	// replace it (Argo CD's --policy and --enable-policy-override).
	Policy         Policy
	PolicyOverride bool
	// DeletionBudget is the share (0-1] of a set's Applications one run may
	// delete before it waits for a confirmation (default 0.5).
	DeletionBudget float64
	// GitPoll is how often sets with git generators look for new commits
	// (default 30s): the Git cache lists the remote's refs, no API request.
	GitPoll time.Duration
	// Recorder records events on sets.
	Recorder recorder.EventRecorder
}

// SetupWithManager registers the reconciler: ApplicationSets, and the
// Applications they own when their spec changes or they are deleted (an
// owned app's status change re-renders nothing, except for a RollingSync
// set, whose rollout follows its apps' health).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Policy == "" {
		r.Policy = v1alpha1.ApplicationsSyncPolicy("sync")
	}
	if r.DeletionBudget <= 0 || r.DeletionBudget > 1 {
		r.DeletionBudget = 0.5
	}
	if r.GitPoll <= 0 {
		r.GitPoll = 30 * time.Second
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("applicationset").
		For(&v1alpha1.ApplicationSet{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.setsOfClusters),
			builder.WithPredicates(predicate.NewPredicateFuncs(isClusterSecret))).
		Watches(&v1alpha1.Application{}, handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), &v1alpha1.ApplicationSet{}),
			builder.WithPredicates(predicate.Funcs{UpdateFunc: r.ownedAppChanged})).
		Complete(r)
}

// isClusterSecret picks cluster Secrets: they feed clusters generators.
func isClusterSecret(o client.Object) bool {
	return o.GetLabels()[cluster.SecretTypeLabel] == cluster.SecretTypeCluster
}

// setsOfClusters enqueues the sets whose generators read the clusters.
func (r *Reconciler) setsOfClusters(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetNamespace() != r.Namespace {
		return nil
	}
	var list v1alpha1.ApplicationSetList
	if err := r.Client.List(ctx, &list); err != nil {
		return nil
	}
	var out []reconcile.Request
	for i := range list.Items {
		if readsClusters(list.Items[i].Spec.Generators) {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return out
}

// readsClusters reports generators that read the registered clusters
// (clusters, clusterDecisionResource, and matrix or merge, which may nest them).
func readsClusters(gens []v1alpha1.ApplicationSetGenerator) bool {
	for _, g := range gens {
		if g.Clusters != nil || g.ClusterDecisionResource != nil || g.Matrix != nil || g.Merge != nil {
			return true
		}
	}
	return false
}

// ownedAppChanged passes an owned Application's update when its spec,
// labels, annotations or deletion changed, or, for apps of RollingSync
// sets (labelled by rollout), its health or sync status.
func (r *Reconciler) ownedAppChanged(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*v1alpha1.Application)
	n, ok2 := e.ObjectNew.(*v1alpha1.Application)
	if !ok1 || !ok2 {
		return true
	}
	if !equalJSON(o.Spec, n.Spec) || !equalJSON(o.Labels, n.Labels) || !equalJSON(o.Annotations, n.Annotations) ||
		o.DeletionTimestamp != n.DeletionTimestamp {
		return true
	}
	if _, rolling := n.Annotations[RolloutStepAnnotation]; rolling {
		return o.Status.Health.Status != n.Status.Health.Status || o.Status.Sync.Status != n.Status.Sync.Status ||
			o.Status.Sync.Revision != n.Status.Sync.Revision || (o.Operation == nil) != (n.Operation == nil)
	}
	return false
}

// Reconcile generates the set's Applications and brings the owned ones in
// line, within the policy; its status says what happened.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	set := &v1alpha1.ApplicationSet{}
	if err := r.Client.Get(ctx, req.NamespacedName, set); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if set.DeletionTimestamp != nil {
		return ctrl.Result{}, r.deleting(ctx, set)
	}
	if err := r.ensurePreserveFinalizer(ctx, set); err != nil {
		return ctrl.Result{}, err
	}
	orig := set.DeepCopy()
	st := &runState{set: set}
	requeue := r.run(ctx, st)
	st.writeStatus()
	if !equalJSON(orig.Status, set.Status) {
		if err := r.Client.Status().Patch(ctx, set, client.MergeFrom(orig)); err != nil && !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}
