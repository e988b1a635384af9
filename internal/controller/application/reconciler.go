package application

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	projectctl "github.com/tiphys/tiphys/internal/controller/project"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/project"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/settings"
	src "github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	tsync "github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/tracking"
)

// FieldManager is the server-side apply field manager of syncs, Argo CD's.
const FieldManager = cluster.FieldManager

// InCluster is the server URL of the cluster the controller runs in.
const InCluster = cluster.InCluster

// Options configure the reconciler.
type Options struct {
	// Namespace holds Applications, AppProjects and repository Secrets (default argocd).
	Namespace string
	// Resync is the period of full comparisons (default 120s, plus up to 10% jitter).
	Resync time.Duration
	// CacheDir holds the Git clones.
	CacheDir string
	// RenderCacheBytes bounds the render cache.
	RenderCacheBytes int64
	// GitPoll is how often remote heads are checked for new commits
	// (default 30s): one ref listing per repository, no API request.
	GitPoll time.Duration
	// Workers is the number of Applications reconciled at once (default 8).
	Workers int
}

// Reconciler reconciles Applications.
type Reconciler struct {
	client client.Client
	// reader reads Applications from the API server: a sync's state must
	// never be taken from a cache that has not seen the last write.
	reader   client.Reader
	opts     Options
	git      *git.Cache
	renders  *render.Cache
	charts   *render.HTTPCharts
	clusters *cluster.Registry
	settings settingsCache
	changes  chan event.GenericEvent
	// written holds the resourceVersion of each Application's last write.
	written sync.Map
	// events records sync starts and ends on the Application.
	events *appEvents
	// debounce gathers live changes per application.
	debounce *debouncer
	// claims tell which applications render which objects.
	claims claims
	// memo keeps each app's last comparison while nothing changed.
	memo compareMemo
	// conns records the destinations' connection states.
	conns *connStates
	// revertFailures holds failed revert-on-abort attempts (reconcile_revert.go).
	revertFailures revertFailures
}

// New builds a reconciler; cfg is the cluster the controller runs in (the
// in-cluster destination), other destinations come from cluster Secrets.
func New(mgr ctrl.Manager, cfg *rest.Config, o Options) (*Reconciler, error) {
	if o.Namespace == "" {
		o.Namespace = "argocd"
	}
	if o.Resync <= 0 {
		o.Resync = 120 * time.Second
	}
	if o.GitPoll <= 0 {
		o.GitPoll = 30 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	gc, err := git.NewCache(git.CacheOptions{Dir: o.CacheDir})
	if err != nil {
		return nil, err
	}
	r := &Reconciler{
		client:   mgr.GetClient(),
		reader:   mgr.GetAPIReader(),
		opts:     o,
		git:      gc,
		renders:  render.NewCache(o.RenderCacheBytes),
		charts:   &render.HTTPCharts{},
		changes:  make(chan event.GenericEvent, 1024),
		events:   &appEvents{recorder: mgr.GetEventRecorder("tiphys-application-controller")},
		settings: settingsCache{client: mgr.GetClient(), namespace: o.Namespace},
		conns:    &connStates{client: mgr.GetClient(), namespace: o.Namespace},
	}
	r.debounce = &debouncer{delay: liveChangeDelay, fire: r.enqueue}
	opts := cluster.ConnectOptions{FieldManager: FieldManager, OnChange: r.liveChanged}
	localOpts := opts
	localOpts.Mapper = mgr.GetRESTMapper() // the manager's, shared
	local, err := cluster.Connect(InCluster, cfg, localOpts)
	if err != nil {
		return nil, err
	}
	local.Name = cluster.InClusterName
	r.clusters = &cluster.Registry{Client: mgr.GetClient(), Namespace: o.Namespace, Local: local, Options: opts}
	return r, nil
}

// GitCache is the reconciler's clone cache, which the ApplicationSet
// controller shares.
func (r *Reconciler) GitCache() *git.Cache { return r.git }

// SetupWithManager registers the reconciler: Applications whose spec,
// operation or refresh annotation change, and changes to the live objects
// they manage.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("application").
		WithOptions(controller.Options{MaxConcurrentReconciles: r.opts.Workers}).
		For(&v1alpha1.Application{}, builder.WithPredicates(predicate.Funcs{UpdateFunc: specChanged})).
		WatchesRawSource(source.Channel(r.changes, &handler.EnqueueRequestForObject{})).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.allApps),
			builder.WithPredicates(predicate.NewPredicateFuncs(r.isSettings))).
		Watches(&v1alpha1.AppProject{}, handler.EnqueueRequestsFromMapFunc(r.appsOfProject)).
		Complete(r)
}

// isSettings picks argocd-cm and the rollback holds out of the watched
// ConfigMaps.
func (r *Reconciler) isSettings(o client.Object) bool {
	return (o.GetName() == settings.ConfigMapName || o.GetName() == HoldsConfigMap) && o.GetNamespace() == r.opts.Namespace
}

// allApps enqueues every Application: settings apply to all of them.
func (r *Reconciler) allApps(ctx context.Context, _ client.Object) []reconcile.Request {
	var list v1alpha1.ApplicationList
	if err := r.client.List(ctx, &list); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, a := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&a)})
	}
	return out
}

// appsOfProject enqueues the applications of a changed project: its rules
// apply to them at once.
func (r *Reconciler) appsOfProject(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetNamespace() != r.opts.Namespace {
		return nil
	}
	var list v1alpha1.ApplicationList
	if err := r.client.List(ctx, &list); err != nil {
		return nil
	}
	var out []reconcile.Request
	for i := range list.Items {
		if projectctl.ProjectName(&list.Items[i]) == o.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return out
}

// liveChanged enqueues the application of a changed live object, after
// the debounce delay.
func (r *Reconciler) liveChanged(app string) {
	r.memo.changed(app)
	r.debounce.add(app)
}

// enqueue queues an application instance for a reconcile.
func (r *Reconciler) enqueue(app string) {
	ns, name := r.opts.Namespace, app
	if i := indexUnderscore(app); i > 0 {
		ns, name = app[:i], app[i+1:]
	}
	r.changes <- event.GenericEvent{Object: &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}}
}

func indexUnderscore(s string) int {
	for i := range len(s) {
		if s[i] == '_' {
			return i
		}
	}
	return -1
}

// specChanged lets through updates that matter to reconciliation: not the
// controller's own status writes.
func specChanged(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*v1alpha1.Application)
	n, ok2 := e.ObjectNew.(*v1alpha1.Application)
	if !ok1 || !ok2 {
		return true
	}
	return !equalJSON(o.Spec, n.Spec) || !equalJSON(o.Operation, n.Operation) ||
		o.Annotations[refreshAnnotation] != n.Annotations[refreshAnnotation] ||
		!equalJSON(o.Finalizers, n.Finalizers) || o.DeletionTimestamp != n.DeletionTimestamp
}

// liveChangeDelay is how long changes to an app's live objects are gathered
// before the app reconciles: a rollout's burst of updates is one reconcile,
// and self-heal still starts well within a second.
const liveChangeDelay = 100 * time.Millisecond

const refreshAnnotation = "argocd.argoproj.io/refresh"

// Reconcile runs the phases for one Application and writes its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	started := time.Now()
	app := &v1alpha1.Application{}
	if err := r.client.Get(ctx, req.NamespacedName, app); err != nil {
		if apierrors.IsNotFound(err) {
			forget(req.Namespace, req.Name)
			instance := tracking.AppInstanceName(req.Name, req.Namespace, r.opts.Namespace)
			r.claims.forget(instance)
			r.memo.forget(instance)
			r.revertFailures.forget(instance)
			r.events.forget(req.Namespace, req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	// A sync's state must never come from a cache that has not seen this
	// controller's last write of the app: while the cache lags behind it,
	// look again in a moment (the cache catches up within milliseconds).
	if w, ok := r.written.Load(req.NamespacedName); ok && w != app.ResourceVersion {
		switch older, known := olderVersion(app.ResourceVersion, w.(string)); {
		case known && older:
			return ctrl.Result{RequeueAfter: 50 * time.Millisecond}, nil
		case !known:
			if err := r.reader.Get(ctx, req.NamespacedName, app); err != nil {
				return ctrl.Result{}, client.IgnoreNotFound(err)
			}
		}
		r.written.Delete(req.NamespacedName)
	}
	orig := app.DeepCopy()
	st := &state{app: app, instance: tracking.AppInstanceName(app.Name, app.Namespace, r.opts.Namespace)}
	dest, destErr := r.clusters.Resolve(ctx, app.Spec.Destination)
	st.dest = dest
	if app.DeletionTimestamp != nil {
		return r.reconcileDelete(ctx, st, orig, destErr)
	}
	requeue := r.jitteredResync()
	// A refresh request is served by this very reconcile (every reconcile
	// checks the remote heads): remove it, as Argo CD does. A hard refresh
	// renders again without the render cache.
	st.hard = app.Annotations[refreshAnnotation] == "hard"
	// A requested sync, like a refresh, works from a fresh look at Git.
	_, st.refresh = app.Annotations[refreshAnnotation]
	st.refresh = st.refresh || app.Operation != nil
	delete(app.Annotations, refreshAnnotation)
	defer func() {
		setConditions(app, st.conditions)
		observe(app, started)
		// Nothing changed: write nothing, so an unchanged app costs no API
		// request (reconciledAt moves only with the status).
		app.Status.ReconciledAt = orig.Status.ReconciledAt
		if equalJSON(app, orig) && orig.Status.ReconciledAt != nil {
			return
		}
		now := metav1.Now()
		app.Status.ReconciledAt = &now
		if err := r.client.Patch(ctx, app, client.MergeFrom(orig)); err != nil {
			if !apierrors.IsNotFound(err) {
				ctrl.LoggerFrom(ctx).Error(err, "write application status")
			}
			return
		}
		r.written.Store(req.NamespacedName, app.ResourceVersion)
	}()

	if destErr != nil {
		r.failComparison(st, v1alpha1.ApplicationConditionInvalidSpecError, destErr)
		return ctrl.Result{RequeueAfter: requeue}, nil
	}
	if err := r.reconcileProject(ctx, st); err != nil {
		r.failComparison(st, v1alpha1.ApplicationConditionInvalidSpecError, err)
		return ctrl.Result{RequeueAfter: requeue}, nil
	}
	down := dest.Down()
	r.conns.record(ctx, dest, down)
	if err := down; err != nil {
		r.failComparison(st, v1alpha1.ApplicationConditionComparisonError, err)
		return ctrl.Result{RequeueAfter: min(requeue, 10*time.Second)}, nil
	}
	set, err := r.settings.get(ctx)
	if err != nil {
		st.condition(v1alpha1.ApplicationConditionUnknownError, err.Error())
	}
	st.settings = set
	st.ignore = append(append(v1alpha1.IgnoreDifferences{}, app.Spec.IgnoreDifferences...), set.IgnoreDifferences...)
	if set.Reconciliation > 0 {
		requeue = jittered(min(set.Reconciliation, r.opts.GitPoll))
	}
	if err := r.reconcileRender(ctx, st); err != nil {
		r.failComparison(st, v1alpha1.ApplicationConditionComparisonError, err)
		return ctrl.Result{RequeueAfter: requeue}, nil
	}
	if !r.memo.reuse(st) {
		liveSeen, before := r.memo.liveVersion(st.instance), len(st.conditions)
		if err := r.reconcileCompare(ctx, st); err != nil {
			r.failComparison(st, v1alpha1.ApplicationConditionComparisonError, err)
			return ctrl.Result{RequeueAfter: requeue}, nil
		}
		if !hasCondition(st.conditions[before:], v1alpha1.ApplicationConditionComparisonError) {
			r.memo.remember(st, liveSeen, before)
		}
	}
	st.orphanedResources()
	st.replicasConflicts()
	r.reconcileRevert(ctx, st)
	clusterWatches.WithLabelValues(dest.Server).Set(float64(dest.Live.Watches()))
	// A running sync, or a self-heal waiting out its backoff, looks again
	// sooner than the resync.
	if after, running := r.reconcileSync(ctx, st); running || (after > 0 && after < requeue) {
		return ctrl.Result{RequeueAfter: after}, nil
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// failComparison records why the app could not be rendered or compared:
// a condition, sync status Unknown, and a requested or running operation
// ended with phase Error (it never runs later by itself).
func (r *Reconciler) failComparison(st *state, t v1alpha1.ApplicationConditionType, err error) {
	st.condition(t, err.Error())
	r.events.note(st.app, string(t), err.Error())
	st.app.Status.Sync.Status = v1alpha1.SyncStatusCodeUnknown
	// Health as Argo CD's controller gives it: Unknown for an invalid spec
	// (appcontroller's refreshAppConditions errors); for a failed
	// comparison, the health of the live objects, which an app that never
	// rendered does not have: Healthy, as Argo's setApplicationHealth of no
	// resources. A parent app of apps sees the one and waits, sees the
	// other and goes on.
	switch {
	case t == v1alpha1.ApplicationConditionInvalidSpecError:
		st.app.Status.Health = v1alpha1.AppHealthStatus{Status: v1alpha1.HealthStatusUnknown}
	case st.app.Status.Health.Status == "" && len(st.app.Status.Resources) == 0:
		st.app.Status.Health = v1alpha1.AppHealthStatus{Status: v1alpha1.HealthStatusHealthy}
	}
	r.endOperation(st, err)
}

func hasCondition(cs []v1alpha1.ApplicationCondition, t v1alpha1.ApplicationConditionType) bool {
	for _, c := range cs {
		if c.Type == t {
			return true
		}
	}
	return false
}

// olderVersion reports whether resourceVersion a is older than b, when both
// are numbers (as the API server's etcd revisions are); known is false otherwise.
func olderVersion(a, b string) (older, known bool) {
	x, err1 := strconv.ParseUint(a, 10, 64)
	y, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil {
		return false, false
	}
	return x < y, true
}

// jitteredResync is when to look again: the Git poll interval, or the
// resync period if shorter, plus up to 10% jitter.
func (r *Reconciler) jitteredResync() time.Duration {
	return jittered(min(r.opts.Resync, r.opts.GitPoll))
}

func jittered(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

// opener opens sources with the repository credentials of the controller's namespace.
func (r *Reconciler) opener() *src.Opener {
	return &src.Opener{Git: r.git, Credentials: git.SecretCredentials(r.client, r.opts.Namespace)}
}

// state carries one reconcile's findings between phases.
type state struct {
	app       *v1alpha1.Application
	instance  string
	targets   []*unstructured.Unstructured
	revisions []string
	live      map[object.ID]*unstructured.Unstructured
	orphans   []*unstructured.Unstructured
	outOfSync bool
	// dest is the destination cluster.
	dest *cluster.Destination
	// hard is a hard refresh: no cached render.
	hard bool
	// refresh is a requested refresh (normal or hard): compare afresh.
	refresh bool
	// project is the app's AppProject; projectClusters the clusters scoped
	// to it, read when it permits only those.
	project         *v1alpha1.AppProject
	projectClusters []project.Cluster
	projectRepos    []string
	// deps are the render's dependencies from outside its repositories.
	deps []render.Dependency
	// settings are argocd-cm's; ignore the app's ignore rules and the
	// system-wide ones.
	settings   *settings.Settings
	ignore     []v1alpha1.ResourceIgnoreDifferences
	conditions []v1alpha1.ApplicationCondition
	// hold is the app's active rollback hold (nil: none).
	hold *Hold
}

// runner advances syncs in the destination with argocd-cm's health checks.
func (s *state) runner() *tsync.Runner {
	return &tsync.Runner{Cluster: s.dest.Writer, Health: s.settings.Health}
}

// synced reports a target the comparison found in sync.
func (s *state) synced(id object.ID) bool {
	for _, r := range s.app.Status.Resources {
		if r.Status == v1alpha1.SyncStatusCodeSynced && (object.ID{Group: r.Group, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}) == id {
			return true
		}
	}
	return false
}

func (s *state) condition(t v1alpha1.ApplicationConditionType, msg string) {
	s.conditions = append(s.conditions, v1alpha1.ApplicationCondition{Type: t, Message: msg})
}
