package analysisrun

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/job"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/prometheus"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/web"
	"github.com/tiphys/tiphys/internal/controller/staleread"
)

// minRequeue is the shortest requeue, so that a due time already past
// never turns into a busy loop.
const minRequeue = 100 * time.Millisecond

// Reconciler reconciles AnalysisRuns as Argo Rollouts' analysis
// controller. Set the fields, then call SetupWithManager.
type Reconciler struct {
	// Client reads AnalysisRuns and Jobs from the manager's cache, writes
	// runs' status and creates and deletes the job provider's Jobs.
	Client client.Client
	// APIReader reads without the cache: Secrets of secretKeyRef
	// arguments and the owner of fieldRef arguments, which the manager
	// need not cache (mgr.GetAPIReader()). When nil, Client reads them.
	APIReader client.Reader
	// AllowedHosts are the hosts the prometheus and web providers may
	// call (--analysis-allowed-hosts); empty allows any, as Argo.
	AllowedHosts analysis.AllowedHosts
	// PrometheusAddress is the address of prometheus metrics that set none
	// (Argo's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS); optional.
	PrometheusAddress string
	// Recorder records events on runs (mgr.GetEventRecorder); optional.
	Recorder recorder.EventRecorder
	// Now is the clock for scheduling; time.Now when nil.
	Now func() time.Time
	// ErrorRetryInterval is the wait after an Error measurement;
	// DefaultErrorRetryInterval (10 s, as Argo) when 0.
	ErrorRetryInterval time.Duration
	// Providers measure metrics by kind; when nil, SetupWithManager sets
	// prometheus, web and job, built from the fields above.
	Providers Providers

	// seen skips reconciles of a run the cache has not caught up with.
	seen staleread.Guard
}

// SetupWithManager fills in the defaults and registers the reconciler for
// AnalysisRuns in the namespaces the manager caches, and for the Jobs
// they own (a Job's change resumes its measurement).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Providers == nil {
		r.Providers = DefaultProviders(r.Client, r.APIReader, r.AllowedHosts, r.PrometheusAddress)
	}
	if r.ErrorRetryInterval <= 0 {
		r.ErrorRetryInterval = DefaultErrorRetryInterval
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("analysisrun").
		For(&v1alpha1.AnalysisRun{}).
		Owns(&batchv1.Job{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: DefaultWorkers}).
		Complete(r)
}

// DefaultWorkers is how many AnalysisRuns are measured at once: a
// measurement waits on its provider (a query, a web call), so runs of
// different Rollouts must not queue behind each other (Argo Rollouts runs
// 30 analysis workers by default).
const DefaultWorkers = 10

// DefaultProviders are the providers Tiphys supports: prometheus and web,
// limited to hosts, and job, with c for Jobs (apiReader optional).
func DefaultProviders(c client.Client, apiReader client.Reader, hosts analysis.AllowedHosts, prometheusAddress string) Providers {
	return Providers{
		"prometheus": prometheus.New(prometheus.Options{AllowedHosts: hosts, DefaultAddress: prometheusAddress}),
		"web":        web.New(web.Options{AllowedHosts: hosts}),
		"job":        job.New(job.Options{Client: c, APIReader: apiReader}),
	}
}

// Reconcile takes the run's due measurements and writes its status once,
// if it changed; a completed run is only deleted when its ttlStrategy
// runs out. The status is written with an optimistic lock, so a reconcile
// that read a stale run retries instead of overwriting newer results.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	run := &v1alpha1.AnalysisRun{}
	if err := r.Client.Get(ctx, req.NamespacedName, run); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if run.DeletionTimestamp != nil {
		r.seen.Forget(run.UID)
		return ctrl.Result{}, nil
	}
	if r.seen.Stale(run.UID, run.ResourceVersion) {
		// The cache has not caught up with this controller's last status
		// write: measuring now would measure again what it recorded.
		return ctrl.Result{RequeueAfter: minRequeue}, nil
	}
	if analysis.Completed(run.Status.Phase) {
		return r.expire(ctx, run)
	}
	orig := run.DeepCopy()
	defer func() {
		if equality.Semantic.DeepEqual(orig.Status, run.Status) {
			return
		}
		perr := r.writeStatus(ctx, orig, run)
		if perr == nil {
			r.seen.Wrote(run.UID, orig.ResourceVersion)
		}
		switch {
		case apierrors.IsConflict(perr):
			res, err = ctrl.Result{RequeueAfter: minRequeue}, nil
		case perr != nil && err == nil:
			err = fmt.Errorf("write status of analysisrun %s/%s: %w", run.Namespace, run.Name, perr)
		}
	}()
	return r.reconcileRun(ctx, run)
}

// writeStatus patches the run's status from orig's, with an optimistic
// lock. When the run changed meanwhile but its status did not (a user set
// spec.terminate while a Job was being created), the new status is
// written onto the fresh run: a measurement taken must not be lost, and
// the next reconcile sees the new spec. A status changed by someone else
// is a conflict, and the reconcile is retried.
func (r *Reconciler) writeStatus(ctx context.Context, orig, run *v1alpha1.AnalysisRun) error {
	err := r.Client.Status().Patch(ctx, run, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{}))
	if !apierrors.IsConflict(err) {
		return err
	}
	fresh := &v1alpha1.AnalysisRun{}
	if gerr := r.reader().Get(ctx, client.ObjectKeyFromObject(run), fresh); gerr != nil {
		return err
	}
	if !equality.Semantic.DeepEqual(fresh.Status, orig.Status) {
		return err
	}
	base := fresh.DeepCopy()
	fresh.Status = run.Status
	return r.Client.Status().Patch(ctx, fresh, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
}

// reconcileRun runs the phases of one reconcile on run, in memory.
func (r *Reconciler) reconcileRun(ctx context.Context, run *v1alpha1.AnalysisRun) (ctrl.Result, error) {
	now := r.now()
	if run.Status.StartedAt == nil {
		started := metaTime(now)
		run.Status.StartedAt = &started
	}
	args, err := r.resolveArgs(ctx, run)
	if err != nil {
		r.fail(run, "Unable to resolve metric arguments: "+err.Error())
		return ctrl.Result{}, nil
	}
	metrics := make([]v1alpha1.Metric, 0, len(run.Spec.Metrics))
	for _, m := range run.Spec.Metrics {
		resolved, err := analysis.ResolveMetric(m, args.values)
		if err != nil {
			r.fail(run, "Unable to resolve metric arguments: "+redact(err.Error(), args.secrets))
			return ctrl.Result{}, nil
		}
		metrics = append(metrics, resolved)
	}
	dryRun, limits, err := checkSpec(run, metrics)
	if err != nil {
		r.fail(run, "Analysis spec invalid: "+redact(err.Error(), args.secrets))
		return ctrl.Result{}, nil
	}
	terminating := analysis.Terminating(run.Spec.Terminate, storedStates(run, dryRun))
	sched := schedule{run: run, metrics: metrics, errorRetry: r.ErrorRetryInterval}
	if sched.errorRetry <= 0 {
		sched.errorRetry = DefaultErrorRetryInterval
	}
	outcomes := r.measure(ctx, run, sched.due(terminating, now), terminating)
	measureErr := record(run, outcomes, dryRun, args.secrets)
	a := assess(run, metrics, dryRun, terminating)
	r.recordMetricEvents(run, a.completed)
	if a.phase != run.Status.Phase {
		run.Status.Phase, run.Status.Message = a.phase, a.message
		if analysis.Completed(a.phase) {
			r.complete(run)
		}
	}
	r.trimHistory(ctx, run, metrics, limits)
	if measureErr != nil {
		return ctrl.Result{}, measureErr
	}
	return r.requeue(run, sched, dryRun), nil
}

// checkSpec validates the resolved metrics and reads the dry-run and
// retention rules.
func checkSpec(run *v1alpha1.AnalysisRun, metrics []v1alpha1.Metric) (map[string]bool, map[string]int, error) {
	if err := validate(metrics); err != nil {
		return nil, nil, err
	}
	dryRun, err := analysis.DryRunMetrics(run.Spec.DryRun, metrics)
	if err != nil {
		return nil, nil, err
	}
	limits, err := retentionLimits(run.Spec.MeasurementRetention, metrics)
	if err != nil {
		return nil, nil, err
	}
	return dryRun, limits, nil
}

// requeue is when to look at the run again: at its next due measurement;
// soon when a metric just ended the run, so the next reconcile stops the
// others; never for a completed run (a TTL requeues from expire).
func (r *Reconciler) requeue(run *v1alpha1.AnalysisRun, sched schedule, dryRun map[string]bool) ctrl.Result {
	if analysis.Completed(run.Status.Phase) {
		if _, ok := ttlOf(run); ok {
			return ctrl.Result{RequeueAfter: minRequeue}
		}
		return ctrl.Result{}
	}
	if analysis.Terminating(run.Spec.Terminate, storedStates(run, dryRun)) {
		return ctrl.Result{RequeueAfter: minRequeue}
	}
	next, ok := sched.next()
	if !ok {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: max(next.Sub(r.now()), minRequeue)}
}

// fail ends the run in Error before any measurement, as Argo does for
// arguments it cannot resolve and specs it rejects.
func (r *Reconciler) fail(run *v1alpha1.AnalysisRun, message string) {
	run.Status.Phase, run.Status.Message = v1alpha1.AnalysisPhaseError, message
	r.complete(run)
}

// complete stamps completedAt and records Argo's completion event,
// reason AnalysisRun<Phase>: AnalysisRunSuccessful, AnalysisRunFailed,
// AnalysisRunError, AnalysisRunInconclusive.
func (r *Reconciler) complete(run *v1alpha1.AnalysisRun) {
	if run.Status.CompletedAt == nil {
		now := metaTime(r.now())
		run.Status.CompletedAt = &now
	}
	r.event(run, run.Status.Phase, "AnalysisRun"+string(run.Status.Phase), "Analysis Completed. Result: %s", run.Status.Phase)
}

// recordMetricEvents records Argo's Metric<Phase> events (MetricSuccessful,
// MetricFailed, ...) for metrics that completed.
func (r *Reconciler) recordMetricEvents(run *v1alpha1.AnalysisRun, completed []metricEvent) {
	for _, e := range completed {
		r.event(run, e.phase, "Metric"+string(e.phase), "Metric '%s' Completed. Result: %s", e.name, e.phase)
	}
}

func (r *Reconciler) event(run *v1alpha1.AnalysisRun, phase v1alpha1.AnalysisPhase, reason, format string, args ...any) {
	if r.Recorder == nil {
		return
	}
	r.Recorder.Eventf(run, nil, eventType(phase), reason, "Analyze", format, args...)
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
