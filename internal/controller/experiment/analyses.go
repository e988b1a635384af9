package experiment

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// reconcileAnalysis keeps one analysis' AnalysisRun and its status entry
// (Argo's reconcileAnalysisRun): until the templates are available only
// the template is checked to exist; then the run is created (not when
// terminating), followed until it finishes, and terminated when the
// experiment winds down. A run that cannot be made or read puts the
// analysis in Error.
func (c *exContext) reconcileAnalysis(ctx context.Context, a v1alpha1.ExperimentAnalysisTemplateRef) error {
	prev := v1alpha1.ExperimentAnalysisRunStatus{Name: a.Name}
	if p := runStatus(c.ex.Status, a.Name); p != nil {
		prev = *p
	}
	next := prev
	defer func() {
		if next.Phase != prev.Phase && next.Phase != "" {
			c.runEvent(ctx, a.Name, prev.Phase, next)
		}
		setRunStatus(c.status, next)
	}()
	if c.ex.Status.AvailableAt == nil {
		if _, err := analysis.Template(ctx, c.r.Client, c.ex.Namespace, v1alpha1.AnalysisTemplateRef{TemplateName: a.TemplateName, ClusterScope: a.ClusterScope}); err != nil {
			kind := "AnalysisTemplate"
			if isCluster(a.ClusterScope) {
				kind = "ClusterAnalysisTemplate"
			}
			next.Phase = v1alpha1.AnalysisPhaseError
			next.Message = fmt.Sprintf("%s verification failed for analysis '%s': %v", kind, a.Name, err)
		}
		return nil
	}
	if prev.AnalysisRun == "" {
		if c.terminating {
			return nil
		}
		run, err := c.createRun(ctx, a)
		if err != nil {
			if apierrors.IsConflict(err) {
				return err
			}
			next.Phase = v1alpha1.AnalysisPhaseError
			next.Message = fmt.Sprintf("Failed to create AnalysisRun for analysis '%s': %v", a.Name, err)
			return nil
		}
		next.Phase, next.Message, next.AnalysisRun = v1alpha1.AnalysisPhasePending, "", run.Name
		return nil
	}
	if analysis.Completed(prev.Phase) {
		return nil
	}
	run, err := c.getRun(ctx, prev.AnalysisRun)
	if err != nil {
		next.Phase, next.Message = v1alpha1.AnalysisPhaseError, err.Error()
		return nil
	}
	if c.terminating {
		if !analysis.Completed(run.Status.Phase) && !run.Spec.Terminate {
			c.event(corev1.EventTypeNormal, "AnalysisRunTerminating", fmt.Sprintf("Terminating %s (%s)", a.Name, run.Name))
			patch := client.MergeFrom(run.DeepCopy())
			run.Spec.Terminate = true
			if err := c.r.Client.Patch(ctx, run, patch); client.IgnoreNotFound(err) != nil {
				next.Phase, next.Message = v1alpha1.AnalysisPhaseError, err.Error()
			}
		}
		return nil
	}
	next.Phase, next.Message = run.Status.Phase, run.Status.Message
	return nil
}

// getRun reads a run from the cache, or from the API server when the cache
// has not seen it yet.
func (c *exContext) getRun(ctx context.Context, name string) (*v1alpha1.AnalysisRun, error) {
	run := &v1alpha1.AnalysisRun{}
	key := client.ObjectKey{Namespace: c.ex.Namespace, Name: name}
	err := c.r.Client.Get(ctx, key, run)
	if apierrors.IsNotFound(err) {
		err = c.r.APIReader.Get(ctx, key, run)
	}
	if err != nil {
		return nil, fmt.Errorf("analysis run %s: %w", name, err)
	}
	return run, nil
}

// runEvent records an analysis' phase change on the Experiment, and on
// the Rollout that owns it so its notifications fire (as Argo).
func (c *exContext) runEvent(ctx context.Context, name string, from v1alpha1.AnalysisPhase, s v1alpha1.ExperimentAnalysisRunStatus) {
	msg := fmt.Sprintf("AnalysisRun '%s' transitioned from %s -> %s", name, from, s.Phase)
	if s.Message != "" {
		msg += ": " + s.Message
	}
	kind := corev1.EventTypeNormal
	if bad(s.Phase) {
		kind = corev1.EventTypeWarning
	}
	c.event(kind, "AnalysisRun"+string(s.Phase), msg)
	for _, ref := range c.ex.OwnerReferences {
		if ref.Kind != "Rollout" {
			continue
		}
		ro := &v1alpha1.Rollout{}
		if err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ex.Namespace, Name: ref.Name}, ro); err == nil {
			c.r.Recorder.Eventf(ro, nil, corev1.EventTypeWarning, "AnalysisRun"+string(s.Phase), "Analysis", "%s", msg)
		}
	}
}

// isCluster reads an optional clusterScope.
func isCluster(b *bool) bool { return b != nil && *b }
