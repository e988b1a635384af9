package rollout

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// experiments are the Experiments a Rollout owns: the one its status
// names as current, and the others.
type experiments struct {
	current *v1alpha1.Experiment
	others  []*v1alpha1.Experiment
}

// loadExperiments lists the Experiments the Rollout controls and finds the
// current one by status.canary.currentExperiment (Argo's
// getExperimentsForRollout and GetCurrentExperiment).
func (c *rolloutContext) loadExperiments(ctx context.Context) error {
	var list v1alpha1.ExperimentList
	if err := c.r.Client.List(ctx, &list, client.InNamespace(c.ro.Namespace)); err != nil {
		return fmt.Errorf("list experiments: %w", err)
	}
	c.exps = experiments{}
	for i := range list.Items {
		ex := &list.Items[i]
		switch {
		case !metav1.IsControlledBy(ex, c.ro):
		case ex.Name == c.ro.Status.Canary.CurrentExperiment && ex.Name != "":
			c.exps.current = ex
		default:
			c.exps.others = append(c.exps.others, ex)
		}
	}
	return nil
}

// reconcileExperiments runs the canary's experiment step (Argo's
// reconcileExperiments): every experiment is terminated on an abort or a
// full promotion; at an experiment step its Experiment is created once the
// stable ReplicaSet exists, an Inconclusive one pauses the Rollout
// (InconclusiveExperiment), a Failed or Error one aborts it, and one still
// going is recorded in status.canary.currentExperiment. Experiments of
// other steps are terminated, and finished ones beyond the analysis
// history limits, or of revisions that are gone, deleted.
func (c *rolloutContext) reconcileExperiments(ctx context.Context) error {
	if c.pause.aborted() || c.ro.Status.PromoteFull {
		return c.terminateExperiments(ctx, append(c.exps.others, c.exps.current)...)
	}
	if pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil {
		return nil
	}
	step, index := replicas.CurrentStep(c.ro)
	current := c.exps.current
	if step != nil && step.Experiment != nil {
		if current == nil {
			if c.stableRS == nil {
				return nil
			}
			ex, err := c.experimentFromStep(step.Experiment, *index)
			if err != nil {
				return err
			}
			if current, err = c.createExperiment(ctx, ex); err != nil {
				return err
			}
			c.exps.current = current
			c.r.Recorder.Eventf(c.ro, current, corev1.EventTypeNormal, "ExperimentCreated", "Create",
				"Created Experiment '%s'", current.Name)
		}
		switch current.Status.Phase {
		case v1alpha1.AnalysisPhaseInconclusive:
			c.pause.addPause(v1alpha1.PauseReasonInconclusiveExperiment)
		case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError:
			msg := "Experiment analysis phase is error/failed"
			if current.Status.Message != "" {
				msg += ": " + current.Status.Message
			}
			c.pause.addAbort(msg)
		case v1alpha1.AnalysisPhaseSuccessful:
			// A successful experiment is not current any more (as Argo).
		default:
			c.status.Canary.CurrentExperiment = current.Name
		}
	}
	others := c.exps.others
	if current != nil && (step == nil || step.Experiment == nil) {
		others = append(others, current)
	}
	if err := c.terminateExperiments(ctx, others...); err != nil {
		return err
	}
	return c.deleteOldExperiments(ctx, others)
}

// experimentFromStep builds the Experiment of an experiment step (Argo's
// GetExperimentFromTemplate), named <rollout>-<pod hash>-<revision>-<step
// index>, labelled with the Rollout's labels and the pod-template hash,
// annotated with the revision and owned by the Rollout. Each template runs
// the new (specRef canary) or stable (specRef stable) ReplicaSet's pod
// template, with the step's selector, metadata and replicas; a weight or
// service asks for a Service. Analysis arguments are resolved as for the
// Rollout's own analyses.
func (c *rolloutContext) experimentFromStep(step *v1alpha1.RolloutExperimentStep, index int32) (*v1alpha1.Experiment, error) {
	podHash := hash.PodTemplateHash(&c.ro.Spec.Template, c.ro.Status.CollisionCount)
	revision := c.ro.Annotations[replicas.AnnotationRevision]
	labels := map[string]string{}
	for k, v := range c.ro.Labels {
		labels[k] = v
	}
	labels[v1alpha1.LabelPodTemplateHash] = podHash
	ex := &v1alpha1.Experiment{
		ObjectMeta: metav1.ObjectMeta{
			Name:            ExperimentName(c.ro.Name, podHash, revision, index),
			Namespace:       c.ro.Namespace,
			Labels:          labels,
			Annotations:     map[string]string{replicas.AnnotationRevision: revision},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(c.ro, v1alpha1.SchemeGroupVersion.WithKind("Rollout"))},
		},
		Spec: v1alpha1.ExperimentSpec{
			Duration:                step.Duration,
			ProgressDeadlineSeconds: c.ro.Spec.ProgressDeadlineSeconds,
			DryRun:                  step.DryRun,
			AnalysisRunMetadata:     step.AnalysisRunMetadata,
			ScaleDownDelaySeconds:   step.ScaleDownDelaySeconds,
		},
	}
	for _, st := range step.Templates {
		t, err := experimentTemplate(st, c.stableRS, c.newRS)
		if err != nil {
			return nil, err
		}
		ex.Spec.Templates = append(ex.Spec.Templates, t)
	}
	for _, a := range step.Analyses {
		given, err := c.rolloutArgs(a.Args)
		if err != nil {
			return nil, fmt.Errorf("experiment analysis %s: %w", a.Name, err)
		}
		args := make([]v1alpha1.Argument, 0, len(given))
		for _, g := range given {
			v := g.Value
			args = append(args, v1alpha1.Argument{Name: g.Name, Value: &v})
		}
		ex.Spec.Analyses = append(ex.Spec.Analyses, v1alpha1.ExperimentAnalysisTemplateRef{Name: a.Name,
			TemplateName: a.TemplateName, ClusterScope: a.ClusterScope, Args: args, RequiredForCompletion: a.RequiredForCompletion})
	}
	return ex, nil
}

// ExperimentName is the name Argo Rollouts gives the Experiment of a
// canary step: <rollout>-<pod hash>-<revision>-<step index>.
func ExperimentName(rollout, podHash, revision string, index int32) string {
	return fmt.Sprintf("%s-%s-%s-%d", rollout, podHash, revision, index)
}

// experimentTemplate builds one experiment template from a step template
// and the ReplicaSet its specRef names.
func experimentTemplate(st v1alpha1.RolloutExperimentTemplate, stableRS, newRS *appsv1.ReplicaSet) (v1alpha1.TemplateSpec, error) {
	t := v1alpha1.TemplateSpec{Name: st.Name, Replicas: st.Replicas}
	if st.Weight != nil || st.Service != nil {
		t.Service = &v1alpha1.TemplateService{}
		if st.Service != nil {
			t.Service.Name = st.Service.Name
		}
	}
	var from *appsv1.ReplicaSet
	switch st.SpecRef {
	case v1alpha1.SpecRefCanary:
		from = newRS
	case v1alpha1.SpecRefStable:
		from = stableRS
	default:
		return t, fmt.Errorf("experiment template %s: specRef %q must be canary or stable", st.Name, st.SpecRef)
	}
	if from == nil {
		return t, fmt.Errorf("experiment template %s: no %s replica set yet", st.Name, st.SpecRef)
	}
	t.Template = *from.Spec.Template.DeepCopy()
	t.MinReadySeconds = from.Spec.MinReadySeconds
	if st.Selector != nil {
		t.Selector = st.Selector.DeepCopy()
	} else {
		t.Selector = from.Spec.Selector.DeepCopy()
	}
	if len(st.Metadata.Labels) > 0 {
		if t.Template.Labels == nil {
			t.Template.Labels = map[string]string{}
		}
		if t.Selector.MatchLabels == nil {
			t.Selector.MatchLabels = map[string]string{}
		}
		for k, v := range st.Metadata.Labels {
			t.Template.Labels[k] = v
			t.Selector.MatchLabels[k] = v
		}
	}
	if len(st.Metadata.Annotations) > 0 {
		if t.Template.Annotations == nil {
			t.Template.Annotations = map[string]string{}
		}
		for k, v := range st.Metadata.Annotations {
			t.Template.Annotations[k] = v
		}
	}
	return t, nil
}

// createExperiment creates ex; when its name is taken by an unfinished
// Experiment of this Rollout with the same spec (a stale cache), that one
// is returned, otherwise -1, -2, ... is appended (Argo's
// createExperimentWithCollisionHandling).
func (c *rolloutContext) createExperiment(ctx context.Context, ex *v1alpha1.Experiment) (*v1alpha1.Experiment, error) {
	base := ex.Name
	for i := 1; i <= 20; i++ {
		err := c.r.Client.Create(ctx, ex)
		if err == nil {
			return ex, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("create experiment %s: %w", ex.Name, err)
		}
		existing := &v1alpha1.Experiment{}
		if err := c.r.APIReader.Get(ctx, client.ObjectKeyFromObject(ex), existing); err != nil {
			return nil, fmt.Errorf("experiment %s: %w", ex.Name, err)
		}
		want, got := ex.Spec, existing.Spec
		want.Terminate, got.Terminate = false, false
		if metav1.IsControlledBy(existing, c.ro) && !analysis.Completed(existing.Status.Phase) && apiequality.Semantic.DeepEqual(want, got) {
			return existing, nil
		}
		ex.Name = fmt.Sprintf("%s-%d", base, i)
		ex.ResourceVersion = ""
	}
	return nil, fmt.Errorf("create experiment %s: every name up to -20 is taken", base)
}

// terminateExperiments asks unfinished experiments to stop (spec.terminate).
func (c *rolloutContext) terminateExperiments(ctx context.Context, exs ...*v1alpha1.Experiment) error {
	for _, ex := range exs {
		if ex == nil || ex.Spec.Terminate || analysis.Completed(ex.Status.Phase) {
			continue
		}
		patch := client.MergeFrom(ex.DeepCopy())
		ex.Spec.Terminate = true
		if err := c.r.Client.Patch(ctx, ex, patch); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("terminate experiment %s: %w", ex.Name, err)
		}
	}
	return nil
}

// deleteOldExperiments deletes, of exs, those whose revision has no
// ReplicaSet left (or one being deleted) and finished ones beyond the
// successful and unsuccessful history limits, newest kept (Argo's
// FilterExperimentsToDelete).
func (c *rolloutContext) deleteOldExperiments(ctx context.Context, exs []*v1alpha1.Experiment) error {
	okLimit, badLimit := int32(defaultRunHistoryLimit), int32(defaultRunHistoryLimit)
	if a := c.ro.Spec.Analysis; a != nil {
		if a.SuccessfulRunHistoryLimit != nil {
			okLimit = *a.SuccessfulRunHistoryLimit
		}
		if a.UnsuccessfulRunHistoryLimit != nil {
			badLimit = *a.UnsuccessfulRunHistoryLimit
		}
	}
	deleting := map[string]bool{}
	for _, rs := range c.allRSs {
		if h := hashOf(rs); h != "" {
			deleting[h] = rs.DeletionTimestamp != nil
		}
	}
	sorted := append([]*v1alpha1.Experiment(nil), exs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].CreationTimestamp, sorted[j].CreationTimestamp
		if a.Equal(&b) {
			return sorted[i].Name > sorted[j].Name
		}
		return b.Before(&a)
	})
	var ok, bad int32
	for _, ex := range sorted {
		gone, found := deleting[ex.Labels[v1alpha1.LabelPodTemplateHash]]
		drop := !found || gone
		switch ex.Status.Phase {
		case v1alpha1.AnalysisPhaseSuccessful:
			ok++
			drop = drop || ok > okLimit
		case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError, v1alpha1.AnalysisPhaseInconclusive:
			bad++
			drop = drop || bad > badLimit
		}
		if !drop || ex.DeletionTimestamp != nil {
			continue
		}
		if err := c.r.Client.Delete(ctx, ex); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete old experiment %s: %w", ex.Name, err)
		}
	}
	return nil
}

// experimentWeights are the traffic destinations of the running
// experiment's templates that have a weight, while the canary is at or
// after its experiment step (Argo's
// calculateWeightDestinationsFromExperiment).
func (c *rolloutContext) experimentWeights() []v1alpha1.WeightDestination {
	ex := c.exps.current
	step := latestExperimentStep(c.ro)
	if step == nil || ex == nil || ex.Status.Phase != v1alpha1.AnalysisPhaseRunning {
		return nil
	}
	var out []v1alpha1.WeightDestination
	for _, ts := range ex.Status.TemplateStatuses {
		for _, t := range step.Templates {
			if t.Name == ts.Name && t.Weight != nil {
				out = append(out, v1alpha1.WeightDestination{ServiceName: ts.ServiceName, PodTemplateHash: ts.PodTemplateHash, Weight: *t.Weight})
			}
		}
	}
	return out
}

// latestExperimentStep is the last experiment step at or before the
// current one (Argo's GetCurrentExperimentStep).
func latestExperimentStep(ro *v1alpha1.Rollout) *v1alpha1.RolloutExperimentStep {
	step, index := replicas.CurrentStep(ro)
	if step == nil {
		return nil
	}
	for i := *index; i >= 0; i-- {
		if e := ro.Spec.Strategy.Canary.Steps[i].Experiment; e != nil {
			return e
		}
	}
	return nil
}

// validateExperimentStep returns what is wrong with an experiment step,
// "" when nothing (or no step): a specRef other than canary or stable, or
// a template weight without traffic routing (Argo's words).
func validateExperimentStep(step *v1alpha1.RolloutExperimentStep, tr *v1alpha1.RolloutTrafficRouting) string {
	if step == nil {
		return ""
	}
	for i, t := range step.Templates {
		if t.SpecRef != v1alpha1.SpecRefCanary && t.SpecRef != v1alpha1.SpecRefStable {
			return fmt.Sprintf("templates[%d].specRef: %q must be canary or stable", i, t.SpecRef)
		}
		if t.Weight != nil && tr == nil {
			return fmt.Sprintf("templates[%d].weight: Experiment template weight cannot be set unless TrafficRouting is enabled", i)
		}
	}
	return ""
}

// experimentDestinations are the experiment weights routed beside the
// canary's desired weight: while the canary has no available pod, and
// during the steps, but not once fully promoted, aborted, fully promoting,
// or past the last step with every pod in place (the cases of Argo's
// reconcileTrafficRouting that add them).
func (c *rolloutContext) experimentDestinations() []v1alpha1.WeightDestination {
	switch {
	case c.fullyPromoted() || c.pause.aborted():
		return nil
	case c.newRS == nil || c.newRS.Status.AvailableReplicas == 0:
		return c.experimentWeights()
	case c.ro.Status.PromoteFull:
		return nil
	}
	_, index := replicas.CurrentStep(c.ro)
	if index == nil || (int(*index) == len(c.ro.Spec.Strategy.Canary.Steps) && c.atDesiredCounts(nil)) {
		return nil
	}
	return c.experimentWeights()
}
