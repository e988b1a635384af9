package rollout

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/controller/staleread"
)

// DefaultResync is how often a Rollout is looked at with nothing changed,
// the period Argo Rollouts' informers resync at (15 minutes).
const DefaultResync = 15 * time.Minute

// DefaultWorkers is how many Rollouts are reconciled at once, as Argo
// Rollouts' default of 10 Rollout workers.
const DefaultWorkers = 10

// Reconciler runs Rollouts: one pass per change of a Rollout, of a
// ReplicaSet or AnalysisRun it owns, or when a wait it started (a pause
// duration, a scale-down delay) ends.
type Reconciler struct {
	// Client reads from the manager's cache and writes to the API server.
	Client client.Client
	// APIReader reads what the cache does not hold (Pods for restartAt,
	// Deployments of workloadRef).
	APIReader client.Reader
	// Dynamic writes the traffic routers' objects (Ingress, HTTPRoute,
	// VirtualService, TrafficSplit), whose types are not compiled in.
	Dynamic dynamic.Interface
	// Recorder records Events on Rollouts, with Argo Rollouts' reasons.
	Recorder recorder.EventRecorder
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Resync bounds how long a Rollout waits without an event
	// (DefaultResync when 0).
	Resync time.Duration
	// Workers is how many Rollouts are reconciled at once
	// (DefaultWorkers when 0).
	Workers int

	// seen skips passes over a Rollout the cache has not caught up with.
	seen staleread.Guard
}

// SetupWithManager registers the reconciler for Rollouts and the
// ReplicaSets, AnalysisRuns, Experiments and Services that belong to them.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Resync <= 0 {
		r.Resync = DefaultResync
	}
	if r.APIReader == nil {
		r.APIReader = mgr.GetAPIReader()
	}
	if r.Workers <= 0 {
		r.Workers = DefaultWorkers
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("rollout").
		For(&v1alpha1.Rollout{}).
		Owns(&appsv1.ReplicaSet{}).
		Owns(&v1alpha1.AnalysisRun{}).
		Owns(&v1alpha1.Experiment{}).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(r.rolloutsNaming)).
		Watches(&v1alpha1.AnalysisTemplate{}, handler.EnqueueRequestsFromMapFunc(r.rolloutsNaming)).
		Watches(&v1alpha1.ClusterAnalysisTemplate{}, handler.EnqueueRequestsFromMapFunc(r.rolloutsNaming)).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Workers}).
		Complete(r)
}

// rolloutsNaming enqueues the Rollouts that name a Service or an
// analysis template (of its namespace; every namespace for a
// ClusterAnalysisTemplate), so one created after its Rollout, or changed,
// is picked up at once.
func (r *Reconciler) rolloutsNaming(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1alpha1.RolloutList
	var opts []client.ListOption
	if o.GetNamespace() != "" {
		opts = append(opts, client.InNamespace(o.GetNamespace()))
	}
	if err := r.Client.List(ctx, &list, opts...); err != nil {
		return nil
	}
	var out []reconcile.Request
	for i := range list.Items {
		c := &rolloutContext{ro: &list.Items[i]}
		if names(c, o) {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return out
}

// names reports whether the Rollout of c names o.
func names(c *rolloutContext, o client.Object) bool {
	if _, isService := o.(*corev1.Service); isService {
		for _, svc := range c.referencedServices() {
			if svc.name == o.GetName() {
				return true
			}
		}
		return o.GetAnnotations()[v1alpha1.AnnotationManagedByRollouts] == c.ro.Name
	}
	_, cluster := o.(*v1alpha1.ClusterAnalysisTemplate)
	for _, refs := range c.referencedTemplates() {
		for _, ref := range refs {
			if ref.TemplateName == o.GetName() && cluster == (ref.ClusterScope != nil && *ref.ClusterScope) {
				return true
			}
		}
	}
	return false
}

// Reconcile makes one pass over a Rollout. An error is recorded as an
// Event with reason ReconciliationError (as Argo) and the pass is retried
// with back-off.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ro := &v1alpha1.Rollout{}
	if err := r.Client.Get(ctx, req.NamespacedName, ro); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ro.DeletionTimestamp != nil {
		r.seen.Forget(ro.UID)
		return ctrl.Result{}, nil
	}
	if r.seen.Stale(ro.UID, ro.ResourceVersion) {
		// A pass on a copy older than this controller's own last write
		// would redo what that write recorded (a second AnalysisRun).
		return ctrl.Result{RequeueAfter: 100 * time.Millisecond}, nil
	}
	c, err := r.newContext(ctx, ro)
	if err == nil {
		err = c.reconcile(ctx)
	}
	if err != nil {
		if apierrors.IsConflict(err) {
			return ctrl.Result{Requeue: true}, nil
		}
		r.Recorder.Eventf(ro, nil, corev1.EventTypeWarning, "ReconciliationError", "Reconcile",
			"Reconciliation failed with error: %v", err)
		return ctrl.Result{}, fmt.Errorf("rollout %s/%s: %w", ro.Namespace, ro.Name, err)
	}
	return ctrl.Result{RequeueAfter: c.requeueAfter(r.Resync)}, nil
}

// rolloutContext is one pass over one Rollout: what was read, what the
// pass decided so far, and when it wants to look again.
type rolloutContext struct {
	r   *Reconciler
	ro  *v1alpha1.Rollout
	now time.Time

	// allRSs are the ReplicaSets the Rollout owns; newRS runs the current
	// pod template (nil until created), stableRS is status.stableRS's.
	allRSs   []*appsv1.ReplicaSet
	newRS    *appsv1.ReplicaSet
	stableRS *appsv1.ReplicaSet
	otherRSs []*appsv1.ReplicaSet

	// runs are the AnalysisRuns the Rollout owns.
	runs    []*v1alpha1.AnalysisRun
	current currentRuns
	// exps are the Experiments the Rollout owns (experiment.go).
	exps experiments

	pause *pauseState
	// status holds what the strategy sets during the pass (weights,
	// selectors, analysis run statuses); status.go completes it.
	status v1alpha1.RolloutStatus
	// workload is the Deployment of spec.workloadRef, nil without one.
	workload *appsv1.Deployment
	// invalid is the InvalidSpec message, "" when the spec is valid.
	invalid string
	// routingErr is the traffic router's error of this pass, if any.
	routingErr error
	// wait is the earliest time the pass wants to be run again.
	wait time.Time
}

// newContext reads what a pass needs: the Rollout's ReplicaSets (adopting
// orphans its selector matches) and AnalysisRuns.
func (r *Reconciler) newContext(ctx context.Context, ro *v1alpha1.Rollout) (*rolloutContext, error) {
	ro = ro.DeepCopy()
	c := &rolloutContext{r: r, ro: ro, now: r.Now()}
	c.pause = &pauseState{ro: ro}
	c.status.Canary.Weights = ro.Status.Canary.Weights
	c.status.Canary.StablePingPong = ro.Status.Canary.StablePingPong
	c.status.BlueGreen = v1alpha1.BlueGreenStatus{
		ActiveSelector:           ro.Status.BlueGreen.ActiveSelector,
		PreviewSelector:          ro.Status.BlueGreen.PreviewSelector,
		ScaleUpPreviewCheckPoint: ro.Status.BlueGreen.ScaleUpPreviewCheckPoint,
	}
	c.status.RestartedAt = ro.Status.RestartedAt
	if err := c.resolveWorkloadRef(ctx); err != nil {
		return nil, err
	}
	if c.invalid == "" {
		c.invalid = validate(c.ro)
	}
	if c.invalid == "" {
		msg, err := c.checkReferences(ctx)
		if err != nil {
			return nil, err
		}
		c.invalid = msg
	}
	if c.invalid != "" {
		return c, nil
	}
	rss, err := c.ownedReplicaSets(ctx)
	if err != nil {
		return nil, err
	}
	c.allRSs = rss
	var runs v1alpha1.AnalysisRunList
	if err := r.Client.List(ctx, &runs, client.InNamespace(ro.Namespace)); err != nil {
		return nil, fmt.Errorf("list analysis runs: %w", err)
	}
	for i := range runs.Items {
		if metav1.IsControlledBy(&runs.Items[i], ro) {
			c.runs = append(c.runs, &runs.Items[i])
		}
	}
	c.current = findCurrentRuns(ro, c.runs)
	if err := c.loadExperiments(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// ownedReplicaSets lists the ReplicaSets the Rollout controls, adopting
// those its selector matches that no controller owns (a Rollout taken
// over from Argo Rollouts keeps its ReplicaSets and pods).
func (c *rolloutContext) ownedReplicaSets(ctx context.Context) ([]*appsv1.ReplicaSet, error) {
	sel, err := metav1.LabelSelectorAsSelector(c.ro.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	var list appsv1.ReplicaSetList
	if err := c.r.Client.List(ctx, &list, client.InNamespace(c.ro.Namespace), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return nil, fmt.Errorf("list replica sets: %w", err)
	}
	var out []*appsv1.ReplicaSet
	for i := range list.Items {
		rs := &list.Items[i]
		ref := metav1.GetControllerOf(rs)
		switch {
		case ref != nil && ref.UID == c.ro.UID:
			out = append(out, rs)
		case ref == nil && rs.DeletionTimestamp == nil:
			if err := c.adopt(ctx, rs); err != nil {
				return nil, err
			}
			out = append(out, rs)
		}
	}
	return out, nil
}

// adopt makes the Rollout the controller of an orphaned ReplicaSet; only
// metadata changes, so no pod is touched.
func (c *rolloutContext) adopt(ctx context.Context, rs *appsv1.ReplicaSet) error {
	patch := client.MergeFrom(rs.DeepCopy())
	rs.OwnerReferences = append(rs.OwnerReferences, *metav1.NewControllerRef(c.ro, v1alpha1.SchemeGroupVersion.WithKind("Rollout")))
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return fmt.Errorf("adopt replica set %s: %w", rs.Name, err)
	}
	return nil
}

// reconcile runs the Rollout's strategy and writes its status.
func (c *rolloutContext) reconcile(ctx context.Context) error {
	if c.invalid != "" {
		return c.writeStatus(ctx)
	}
	c.newRS, _ = replicas.FindNew(c.ro, c.allRSs)
	c.stableRS = replicas.Stable(c.ro, c.newRS, c.allRSs)
	c.otherRSs = replicas.Others(c.allRSs, c.newRS, c.stableRS)
	if c.ro.Status.Abort && c.newRS != nil && hashOf(c.newRS) == c.ro.Status.StableRS {
		// Nothing to abort: the current revision is the stable one (as
		// Argo, which removes the abort from a fully promoted Rollout).
		c.pause.removeAbort()
	}
	if c.ro.Spec.Strategy.BlueGreen != nil {
		return c.rolloutBlueGreen(ctx)
	}
	return c.rolloutCanary(ctx)
}

// waitUntil asks for another pass at t (the earliest asked for wins).
func (c *rolloutContext) waitUntil(t time.Time) {
	if c.wait.IsZero() || t.Before(c.wait) {
		c.wait = t
	}
}

// requeueAfter is how long to wait before the next pass with nothing
// changing: until the earliest wait, at most resync.
func (c *rolloutContext) requeueAfter(resync time.Duration) time.Duration {
	if c.wait.IsZero() {
		return resync
	}
	d := c.wait.Sub(c.r.Now())
	if d < 100*time.Millisecond {
		d = 100 * time.Millisecond
	}
	return min(d, resync)
}

// selectorOf returns the Rollout's selector as a labels.Selector.
func selectorOf(ro *v1alpha1.Rollout) labels.Selector {
	sel, err := metav1.LabelSelectorAsSelector(ro.Spec.Selector)
	if err != nil {
		return labels.Nothing()
	}
	return sel
}
