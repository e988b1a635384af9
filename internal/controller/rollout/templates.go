package rollout

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// runFromTemplates builds the spec of an AnalysisRun from the templates a
// Rollout analysis names (Argo's NewAnalysisRunFromTemplates): the
// templates' metrics, dryRun and measurementRetention followed by the
// analysis' own, and their arguments with the values the Rollout gives
// (see rolloutArgs). A missing template, two metrics of one name, two
// templates giving one argument different values, or an argument left
// without a value is an error naming it.
func (c *rolloutContext) runFromTemplates(ctx context.Context, ra *v1alpha1.RolloutAnalysis) (*v1alpha1.AnalysisRun, error) {
	run := &v1alpha1.AnalysisRun{}
	seenMetric := map[string]string{}
	args := map[string]*v1alpha1.Argument{}
	var order []string
	for _, ref := range ra.Templates {
		spec, err := c.templateSpec(ctx, ref)
		if err != nil {
			return nil, err
		}
		for _, m := range spec.Metrics {
			if other, dup := seenMetric[m.Name]; dup {
				return nil, fmt.Errorf("metric %q is in both %s and %s", m.Name, other, ref.TemplateName)
			}
			seenMetric[m.Name] = ref.TemplateName
			run.Spec.Metrics = append(run.Spec.Metrics, m)
		}
		for i := range spec.Args {
			a := spec.Args[i]
			prev, ok := args[a.Name]
			if !ok {
				args[a.Name] = &a
				order = append(order, a.Name)
				continue
			}
			if a.Value != nil && prev.Value != nil && *a.Value != *prev.Value {
				return nil, fmt.Errorf("argument %q has two values in the templates: %q and %q", a.Name, *prev.Value, *a.Value)
			}
			if prev.Value == nil && prev.ValueFrom == nil {
				args[a.Name] = &a
			}
		}
		run.Spec.DryRun = append(run.Spec.DryRun, spec.DryRun...)
		run.Spec.MeasurementRetention = append(run.Spec.MeasurementRetention, spec.MeasurementRetention...)
	}
	given, err := c.rolloutArgs(ra.Args)
	if err != nil {
		return nil, err
	}
	for _, g := range given {
		a, ok := args[g.Name]
		if !ok {
			continue
		}
		v := g.Value
		a.Value, a.ValueFrom = &v, nil
	}
	for _, name := range order {
		a := args[name]
		if a.Value == nil && a.ValueFrom == nil {
			return nil, fmt.Errorf("args.%s was not resolved", name)
		}
		run.Spec.Args = append(run.Spec.Args, *a)
	}
	run.Spec.DryRun = append(run.Spec.DryRun, ra.DryRun...)
	run.Spec.MeasurementRetention = append(run.Spec.MeasurementRetention, ra.MeasurementRetention...)
	return run, nil
}

// templateSpec reads an AnalysisTemplate of the Rollout's namespace, or a
// ClusterAnalysisTemplate when the reference says clusterScope.
func (c *rolloutContext) templateSpec(ctx context.Context, ref v1alpha1.AnalysisTemplateRef) (*v1alpha1.AnalysisTemplateSpec, error) {
	if ref.ClusterScope != nil && *ref.ClusterScope {
		var t v1alpha1.ClusterAnalysisTemplate
		if err := c.r.Client.Get(ctx, client.ObjectKey{Name: ref.TemplateName}, &t); err != nil {
			return nil, fmt.Errorf("cluster analysis template %s: %w", ref.TemplateName, err)
		}
		return &t.Spec, nil
	}
	var t v1alpha1.AnalysisTemplate
	if err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ro.Namespace, Name: ref.TemplateName}, &t); err != nil {
		return nil, fmt.Errorf("analysis template %s: %w", ref.TemplateName, err)
	}
	return &t.Spec, nil
}

// givenArg is an argument value the Rollout gives its analysis.
type givenArg struct{ Name, Value string }

// rolloutArgs resolves a Rollout analysis' args (Argo's
// BuildArgumentsForRolloutAnalysisRun): a value as written, the pod-
// template hash of the new (Latest) or stable (Stable) revision, or a
// field of the Rollout by fieldRef path.
func (c *rolloutContext) rolloutArgs(args []v1alpha1.AnalysisRunArgument) ([]givenArg, error) {
	out := make([]givenArg, 0, len(args))
	for _, a := range args {
		v := a.Value
		if vf := a.ValueFrom; vf != nil {
			switch {
			case vf.PodTemplateHashValue != nil && *vf.PodTemplateHashValue == v1alpha1.ValueFromLatest:
				v = hashOf(c.newRS)
			case vf.PodTemplateHashValue != nil && *vf.PodTemplateHashValue == v1alpha1.ValueFromStable:
				v = hashOf(c.stableRS)
			case vf.FieldRef != nil:
				got, err := fieldOf(c.ro, vf.FieldRef.FieldPath)
				if err != nil {
					return nil, fmt.Errorf("args.%s: %w", a.Name, err)
				}
				v = got
			}
		}
		out = append(out, givenArg{Name: a.Name, Value: v})
	}
	return out, nil
}

// bracketKey matches a map key written as ['key'] or ["key"] in a path.
var bracketKey = regexp.MustCompile(`\[['"]([^'"]+)['"]\]`)

// fieldOf reads a field of the Rollout by a dotted path, map keys in
// brackets (metadata.labels['app']), as Argo's fieldRef; a missing field
// is an error naming the path.
func fieldOf(ro *v1alpha1.Rollout, path string) (string, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ro)
	if err != nil {
		return "", fmt.Errorf("fieldRef %s: %w", path, err)
	}
	normal := bracketKey.ReplaceAllStringFunc(path, func(m string) string {
		return "." + strings.ReplaceAll(bracketKey.FindStringSubmatch(m)[1], ".", "\x00")
	})
	var fields []string
	for _, f := range strings.Split(normal, ".") {
		if f != "" {
			fields = append(fields, strings.ReplaceAll(f, "\x00", "."))
		}
	}
	v, found, err := unstructured.NestedFieldNoCopy(obj, fields...)
	if err != nil || !found {
		return "", fmt.Errorf("fieldRef %s: no such field on the rollout", path)
	}
	return fmt.Sprint(v), nil
}
