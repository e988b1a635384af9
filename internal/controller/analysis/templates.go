package analysis

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// Templates reads the analysis templates refs name and, depth first, the
// templates they nest (spec.templates), each once: AnalysisTemplates of
// namespace, ClusterAnalysisTemplates for clusterScope references. A
// missing one is an error for which apierrors.IsNotFound holds, naming it.
func Templates(ctx context.Context, c client.Reader, namespace string, refs []v1alpha1.AnalysisTemplateRef) ([]*v1alpha1.AnalysisTemplateSpec, error) {
	return collect(ctx, c, namespace, refs, map[string]bool{})
}

func collect(ctx context.Context, c client.Reader, namespace string, refs []v1alpha1.AnalysisTemplateRef, seen map[string]bool) ([]*v1alpha1.AnalysisTemplateSpec, error) {
	var out []*v1alpha1.AnalysisTemplateSpec
	for _, ref := range refs {
		cluster := ref.ClusterScope != nil && *ref.ClusterScope
		key := fmt.Sprintf("%t/%s", cluster, ref.TemplateName)
		if seen[key] {
			continue
		}
		seen[key] = true
		spec, err := Template(ctx, c, namespace, ref)
		if err != nil {
			return nil, err
		}
		nested, err := collect(ctx, c, namespace, spec.Templates, seen)
		if err != nil {
			return nil, err
		}
		out = append(append(out, spec), nested...)
	}
	return out, nil
}

// Template reads the one template ref names (no nesting).
func Template(ctx context.Context, c client.Reader, namespace string, ref v1alpha1.AnalysisTemplateRef) (*v1alpha1.AnalysisTemplateSpec, error) {
	if ref.ClusterScope != nil && *ref.ClusterScope {
		var t v1alpha1.ClusterAnalysisTemplate
		if err := c.Get(ctx, client.ObjectKey{Name: ref.TemplateName}, &t); err != nil {
			return nil, fmt.Errorf("cluster analysis template %s: %w", ref.TemplateName, err)
		}
		return &t.Spec, nil
	}
	var t v1alpha1.AnalysisTemplate
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.TemplateName}, &t); err != nil {
		return nil, fmt.Errorf("analysis template %s: %w", ref.TemplateName, err)
	}
	return &t.Spec, nil
}

// RunSpec merges template specs into the spec of an AnalysisRun (Argo's
// NewAnalysisRunFromTemplates): the templates' metrics in order (two of
// one name are an error), their dryRun and measurementRetention followed
// by extraDryRun and extraRetention, and their arguments, each once, with
// the values given by name. Two templates giving one argument different
// values, or an argument left with neither value nor valueFrom, is an
// error naming it ("args.X was not resolved", Argo's words).
func RunSpec(specs []*v1alpha1.AnalysisTemplateSpec, given map[string]string, extraDryRun []v1alpha1.DryRun, extraRetention []v1alpha1.MeasurementRetention) (v1alpha1.AnalysisRunSpec, error) {
	var run v1alpha1.AnalysisRunSpec
	metrics := map[string]bool{}
	args := map[string]*v1alpha1.Argument{}
	var order []string
	for _, spec := range specs {
		for _, m := range spec.Metrics {
			if metrics[m.Name] {
				return run, fmt.Errorf("two metrics are named %q in the templates", m.Name)
			}
			metrics[m.Name] = true
			run.Metrics = append(run.Metrics, m)
		}
		for i := range spec.Args {
			arg := spec.Args[i]
			prev, ok := args[arg.Name]
			switch {
			case !ok:
				args[arg.Name] = &arg
				order = append(order, arg.Name)
			case prev.Value != nil && arg.Value != nil && *prev.Value != *arg.Value:
				return run, fmt.Errorf("argument %q has two values in the templates: %q and %q", arg.Name, *prev.Value, *arg.Value)
			case prev.Value == nil && prev.ValueFrom == nil:
				args[arg.Name] = &arg
			}
		}
		run.DryRun = append(run.DryRun, spec.DryRun...)
		run.MeasurementRetention = append(run.MeasurementRetention, spec.MeasurementRetention...)
	}
	for _, name := range order {
		arg := args[name]
		if v, ok := given[name]; ok {
			arg.Value, arg.ValueFrom = &v, nil
		}
		if arg.Value == nil && arg.ValueFrom == nil {
			return run, fmt.Errorf("args.%s was not resolved", name)
		}
		run.Args = append(run.Args, *arg)
	}
	run.DryRun = append(run.DryRun, extraDryRun...)
	run.MeasurementRetention = append(run.MeasurementRetention, extraRetention...)
	return run, nil
}
