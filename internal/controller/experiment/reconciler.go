package experiment

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/staleread"
)

// DefaultWorkers is how many Experiments are reconciled at once, as Argo
// Rollouts' default of 10 experiment workers (--experiment-threads).
const DefaultWorkers = 10

// DefaultResync bounds how long an Experiment waits without an event, as
// Argo Rollouts' informer resync (15 minutes).
const DefaultResync = 15 * time.Minute

// Reconciler runs Experiments: one pass per change of an Experiment, of a
// ReplicaSet, Service or AnalysisRun it owns, or when a wait it started
// (duration, progress deadline, scale-down delay) ends.
type Reconciler struct {
	// Client reads from the manager's cache and writes to the API server.
	Client client.Client
	// APIReader reads an AnalysisRun the cache has not seen yet, as Argo
	// falls back to a live Get (the manager's API reader when nil).
	APIReader client.Reader
	// Recorder records Events on Experiments, with Argo Rollouts' reasons.
	Recorder recorder.EventRecorder
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Workers is how many Experiments are reconciled at once
	// (DefaultWorkers when 0).
	Workers int

	// seen skips passes over an Experiment the cache has not caught up with.
	seen staleread.Guard
}

// SetupWithManager registers the reconciler for Experiments and the
// ReplicaSets, Services and AnalysisRuns they own.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.APIReader == nil {
		r.APIReader = mgr.GetAPIReader()
	}
	if r.Workers <= 0 {
		r.Workers = DefaultWorkers
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("experiment").
		For(&v1alpha1.Experiment{}).
		Owns(&appsv1.ReplicaSet{}).
		Owns(&corev1.Service{}).
		Owns(&v1alpha1.AnalysisRun{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Workers}).
		Complete(r)
}

// Reconcile makes one pass over an Experiment (Argo's syncHandler). An
// error is retried with back-off; a conflict is retried at once.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ex := &v1alpha1.Experiment{}
	if err := r.Client.Get(ctx, req.NamespacedName, ex); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ex.DeletionTimestamp != nil {
		r.seen.Forget(ex.UID)
		return ctrl.Result{}, nil
	}
	if r.seen.Stale(ex.UID, ex.ResourceVersion) {
		// Older than this controller's last status write: a pass would
		// start again what that write recorded (a second AnalysisRun).
		return ctrl.Result{RequeueAfter: 100 * time.Millisecond}, nil
	}
	c := &exContext{r: r, ex: ex, now: r.Now(), status: ex.Status.DeepCopy()}
	err := c.reconcile(ctx)
	if err == nil {
		err = c.writeStatus(ctx)
	}
	if err != nil {
		if apierrors.IsConflict(err) {
			return ctrl.Result{Requeue: true}, nil
		}
		return ctrl.Result{}, fmt.Errorf("experiment %s/%s: %w", ex.Namespace, ex.Name, err)
	}
	return ctrl.Result{RequeueAfter: c.requeueAfter()}, nil
}

// exContext is one pass over one Experiment: what was read, the status
// being computed, and when the pass wants to look again.
type exContext struct {
	r   *Reconciler
	ex  *v1alpha1.Experiment
	now time.Time
	// status starts as a copy of the Experiment's and is written at the end.
	status *v1alpha1.ExperimentStatus
	// rss and services are the template ReplicaSets and Services, by
	// template name.
	rss      map[string]*appsv1.ReplicaSet
	services map[string]*corev1.Service
	// terminating is Argo's IsTerminating, decided at the start of the
	// pass: no new ReplicaSet or run, every template scaled down.
	terminating bool
	// wait is the earliest time the pass wants to be run again.
	wait time.Time
}

// reconcile runs the pass's phases: validation, templates, analyses, then
// the phase and conditions.
func (c *exContext) reconcile(ctx context.Context) error {
	if msg := validate(c.ex); msg != "" {
		setCondition(c.status, v1alpha1.ExperimentConditionInvalidSpec, corev1.ConditionTrue, reasonInvalidSpec, msg, c.now)
		return nil
	}
	removeCondition(c.status, v1alpha1.ExperimentConditionInvalidSpec)
	var err error
	if c.rss, err = c.templateReplicaSets(ctx); err != nil {
		return err
	}
	if c.services, err = c.templateServices(ctx); err != nil {
		return err
	}
	c.terminating = terminating(c.ex.Spec, c.ex.Status)
	for _, t := range c.ex.Spec.Templates {
		if err := c.reconcileTemplate(ctx, t); err != nil {
			return err
		}
	}
	for _, a := range c.ex.Spec.Analyses {
		if err := c.reconcileAnalysis(ctx, a); err != nil {
			return err
		}
	}
	c.calculateStatus()
	c.scheduleNext()
	return nil
}

// writeStatus patches the status subresource when the pass changed it, and
// records an Event when the phase moved (Argo's persistExperimentStatus).
func (c *exContext) writeStatus(ctx context.Context) error {
	prev := c.ex.Status
	if apiequality.Semantic.DeepEqual(prev, *c.status) {
		return nil
	}
	patch := client.MergeFrom(c.ex.DeepCopy())
	before := c.ex.ResourceVersion
	c.ex.Status = *c.status
	if err := c.r.Client.Status().Patch(ctx, c.ex, patch); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	c.r.seen.Wrote(c.ex.UID, before)
	if prev.Phase != c.status.Phase {
		kind := corev1.EventTypeNormal
		if bad(c.status.Phase) {
			kind = corev1.EventTypeWarning
		}
		c.event(kind, "Experiment"+string(c.status.Phase),
			fmt.Sprintf("Experiment transitioned from %s -> %s", prev.Phase, c.status.Phase))
	}
	return nil
}

// waitUntil asks for another pass at t (the earliest asked for wins).
func (c *exContext) waitUntil(t time.Time) {
	if c.wait.IsZero() || t.Before(c.wait) {
		c.wait = t
	}
}

// requeueAfter is how long until the earliest wait, at most DefaultResync
// and at least 100ms, so a deadline just passed never busy-loops.
func (c *exContext) requeueAfter() time.Duration {
	if c.wait.IsZero() {
		return DefaultResync
	}
	d := c.wait.Sub(c.r.Now())
	if d < 100*time.Millisecond {
		d = 100 * time.Millisecond
	}
	return min(d, DefaultResync)
}

// event records an Event on the Experiment.
func (c *exContext) event(kind, reason, message string) {
	c.r.Recorder.Eventf(c.ex, nil, kind, reason, reason, "%s", message)
}

// ownedBy reports that o is controlled by the Experiment and annotated
// with its name, and returns the template it is annotated with (Argo's
// getReplicaSetsForExperiment and GetServiceForExperiment).
func (c *exContext) ownedBy(o metav1.Object) (string, bool) {
	ref := metav1.GetControllerOf(o)
	if ref == nil || ref.UID != c.ex.UID || o.GetAnnotations()[v1alpha1.AnnotationExperimentName] != c.ex.Name {
		return "", false
	}
	name := o.GetAnnotations()[v1alpha1.AnnotationExperimentTemplateName]
	for _, t := range c.ex.Spec.Templates {
		if t.Name == name {
			return name, true
		}
	}
	return "", false
}
