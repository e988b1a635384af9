package rollout

import (
	"context"
	"fmt"
	"sort"

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
		for _, ref := range templates[field] {
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
	}
	return "", nil
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
