package rollout

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// checkReferences returns why the objects the Rollout names cannot be
// used — a Service or an analysis template that does not exist — as the
// InvalidSpec message, "" when all exist (Argo's
// getRolloutReferencedResources, which makes a missing one InvalidSpec).
// Other read errors are returned as errors.
func (c *rolloutContext) checkReferences(ctx context.Context) (string, error) {
	for _, svc := range c.referencedServices() {
		err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ro.Namespace, Name: svc.name}, &corev1.Service{})
		if apierrors.IsNotFound(err) {
			return fmt.Sprintf("%s: Service %q not found", svc.field, svc.name), nil
		}
		if err != nil {
			return "", fmt.Errorf("service %s: %w", svc.name, err)
		}
	}
	templates := c.referencedTemplates()
	fields := make([]string, 0, len(templates))
	for f := range templates {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, field := range fields {
		if msg, err := c.checkAnalysis(ctx, field, templates[field]); msg != "" || err != nil {
			return msg, err
		}
	}
	return "", nil
}

// checkAnalysis reads an analysis' templates and merges them as a run
// would be built, with the argument names the Rollout gives: a missing
// template, an argument never given or two metrics of one name make the
// spec invalid before any run is created.
func (c *rolloutContext) checkAnalysis(ctx context.Context, field string, refs []v1alpha1.AnalysisTemplateRef) (string, error) {
	for _, ref := range refs {
		_, err := analysis.Template(ctx, c.r.Client, c.ro.Namespace, ref)
		if apierrors.IsNotFound(err) {
			kind := "AnalysisTemplate"
			if ref.ClusterScope != nil && *ref.ClusterScope {
				kind = "ClusterAnalysisTemplate"
			}
			return fmt.Sprintf("%s: %s %q not found", field, kind, ref.TemplateName), nil
		}
		if err != nil {
			return "", err
		}
	}
	specs, err := analysis.Templates(ctx, c.r.Client, c.ro.Namespace, refs)
	if apierrors.IsNotFound(err) {
		return fmt.Sprintf("%s: a nested %v", field, err), nil // a template a template names
	}
	if err != nil {
		return "", err
	}
	given := map[string]string{}
	for _, a := range c.analysisArgs(field) {
		given[a.Name] = "x"
	}
	if _, err := analysis.RunSpec(specs, given, nil, nil); err != nil {
		return fmt.Sprintf("%s: %v", strings.TrimSuffix(field, ".templates"), err), nil
	}
	return "", nil
}

// analysisArgs are the args of the analysis the field names.
func (c *rolloutContext) analysisArgs(field string) []v1alpha1.AnalysisRunArgument {
	if bg := c.ro.Spec.Strategy.BlueGreen; bg != nil {
		if strings.Contains(field, "prePromotion") && bg.PrePromotionAnalysis != nil {
			return bg.PrePromotionAnalysis.Args
		}
		if bg.PostPromotionAnalysis != nil {
			return bg.PostPromotionAnalysis.Args
		}
		return nil
	}
	cs := c.ro.Spec.Strategy.Canary
	if field == "spec.strategy.canary.analysis.templates" {
		return cs.Analysis.Args
	}
	for i, step := range cs.Steps {
		if step.Analysis != nil && field == fmt.Sprintf("spec.strategy.canary.steps[%d].analysis.templates", i) {
			return step.Analysis.Args
		}
	}
	return nil
}

// namedService is a Service the spec names, with the field naming it.
type namedService struct{ field, name string }

// referencedServices are the Services the strategy names.
func (c *rolloutContext) referencedServices() []namedService {
	var out []namedService
	add := func(field, name string) {
		if name != "" {
			out = append(out, namedService{field, name})
		}
	}
	if bg := c.ro.Spec.Strategy.BlueGreen; bg != nil {
		add("spec.strategy.blueGreen.activeService", bg.ActiveService)
		add("spec.strategy.blueGreen.previewService", bg.PreviewService)
		return out
	}
	stable, canary := trafficrouting.Services(c.ro)
	add("spec.strategy.canary.stableService", stable)
	add("spec.strategy.canary.canaryService", canary)
	return out
}

// referencedTemplates are the analysis templates the strategy names, by
// the field naming them.
func (c *rolloutContext) referencedTemplates() map[string][]v1alpha1.AnalysisTemplateRef {
	out := map[string][]v1alpha1.AnalysisTemplateRef{}
	if bg := c.ro.Spec.Strategy.BlueGreen; bg != nil {
		if a := bg.PrePromotionAnalysis; a != nil {
			out["spec.strategy.blueGreen.prePromotionAnalysis.templates"] = a.Templates
		}
		if a := bg.PostPromotionAnalysis; a != nil {
			out["spec.strategy.blueGreen.postPromotionAnalysis.templates"] = a.Templates
		}
		return out
	}
	cs := c.ro.Spec.Strategy.Canary
	if cs == nil {
		return out
	}
	if cs.Analysis != nil {
		out["spec.strategy.canary.analysis.templates"] = cs.Analysis.Templates
	}
	for i, step := range cs.Steps {
		if step.Analysis != nil {
			out[fmt.Sprintf("spec.strategy.canary.steps[%d].analysis.templates", i)] = step.Analysis.Templates
		}
	}
	return out
}
