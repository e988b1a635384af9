package experiment

import (
	"context"
	"fmt"
	"strings"
	"time"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// RunName is the name Argo Rollouts gives an experiment analysis' run:
// <experiment>-<analysis> (.1, .2, ... appended when it is taken).
func RunName(experiment, analysis string) string {
	return experiment + "-" + analysis
}

// createRun starts the AnalysisRun of an analysis, owned by the
// Experiment, with the analysisRunMetadata's labels and annotations. A run
// of that name the experiment owns and that has not finished is taken as
// its own (a stale cache); otherwise a free .N name is used.
func (c *exContext) createRun(ctx context.Context, a v1alpha1.ExperimentAnalysisTemplateRef) (*v1alpha1.AnalysisRun, error) {
	args, err := c.resolveArgs(a.Args)
	if err != nil {
		return nil, err
	}
	run, err := c.runFromTemplates(ctx, a, args)
	if err != nil {
		return nil, err
	}
	run.Namespace = c.ex.Namespace
	run.Labels = map[string]string{}
	run.Annotations = map[string]string{}
	for k, v := range c.ex.Spec.AnalysisRunMetadata.Labels {
		run.Labels[k] = v
	}
	for k, v := range c.ex.Spec.AnalysisRunMetadata.Annotations {
		run.Annotations[k] = v
	}
	run.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(c.ex, kind)}
	base := RunName(c.ex.Name, a.Name)
	for i := 0; i < 20; i++ {
		run.Name = base
		if i > 0 {
			run.Name = fmt.Sprintf("%s.%d", base, i)
		}
		run.ResourceVersion = ""
		err := c.r.Client.Create(ctx, run)
		if err == nil {
			return run, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("create analysis run %s: %w", run.Name, err)
		}
		existing := &v1alpha1.AnalysisRun{}
		if err := c.r.APIReader.Get(ctx, client.ObjectKeyFromObject(run), existing); err != nil {
			return nil, fmt.Errorf("analysis run %s: %w", run.Name, err)
		}
		if metav1.IsControlledBy(existing, c.ex) && !analysis.Completed(existing.Status.Phase) && equalRunSpec(existing.Spec, run.Spec) {
			return existing, nil
		}
	}
	return nil, fmt.Errorf("create analysis run %s: every name up to .19 is taken", base)
}

// equalRunSpec compares two run specs, terminate aside.
func equalRunSpec(a, b v1alpha1.AnalysisRunSpec) bool {
	a.Terminate, b.Terminate = false, false
	return apiequality.Semantic.DeepEqual(a, b)
}

// resolveArgs replaces the experiment placeholders in argument values
// (Argo's ResolveExperimentArgsValue): {{templates.NAME.podTemplateHash}},
// {{templates.NAME.replicaset.name}}, {{experiment.availableAt}} and
// {{experiment.finishedAt}}. An unknown placeholder is an error naming it.
func (c *exContext) resolveArgs(args []v1alpha1.Argument) ([]v1alpha1.Argument, error) {
	values := map[string]string{}
	if at := c.ex.Status.AvailableAt; at != nil {
		values["experiment.availableAt"] = at.Format(time.RFC3339)
		if end, ok := c.endsAt(c.ex.Status); ok {
			values["experiment.finishedAt"] = end.Format(time.RFC3339)
		}
	}
	for name, rs := range c.rss {
		values["templates."+name+".podTemplateHash"] = rs.Labels[v1alpha1.LabelPodTemplateHash]
		values["templates."+name+".replicaset.name"] = rs.Name
	}
	out := make([]v1alpha1.Argument, 0, len(args))
	for _, a := range args {
		r := v1alpha1.Argument{Name: a.Name}
		if a.Value != nil {
			v, err := substitute(*a.Value, values)
			if err != nil {
				return nil, fmt.Errorf("args.%s: %w", a.Name, err)
			}
			r.Value = &v
		}
		out = append(out, r)
	}
	return out, nil
}

// substitute replaces every {{tag}} in s with its value.
func substitute(s string, values map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		tag := strings.TrimSpace(s[i+2 : i+j])
		v, ok := values[tag]
		if !ok {
			return "", fmt.Errorf("failed to resolve {{%s}}", tag)
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+2:]
	}
}

// runFromTemplates builds an AnalysisRun's spec from an analysis' template
// and the templates it nests, each read once (Argo's
// NewAnalysisRunFromTemplates): their metrics (two of one name are an
// error), dryRun and measurementRetention with the experiment's after,
// and their arguments with the values given (an argument left without a
// value is an error).
func (c *exContext) runFromTemplates(ctx context.Context, a v1alpha1.ExperimentAnalysisTemplateRef, given []v1alpha1.Argument) (*v1alpha1.AnalysisRun, error) {
	specs, err := c.collectTemplates(ctx, []v1alpha1.AnalysisTemplateRef{{TemplateName: a.TemplateName, ClusterScope: a.ClusterScope}}, map[string]bool{})
	if err != nil {
		return nil, err
	}
	run := &v1alpha1.AnalysisRun{}
	metrics := map[string]bool{}
	args := map[string]*v1alpha1.Argument{}
	var order []string
	for _, spec := range specs {
		for _, m := range spec.Metrics {
			if metrics[m.Name] {
				return nil, fmt.Errorf("two metrics are named %q in the templates", m.Name)
			}
			metrics[m.Name] = true
			run.Spec.Metrics = append(run.Spec.Metrics, m)
		}
		for i := range spec.Args {
			arg := spec.Args[i]
			prev, ok := args[arg.Name]
			switch {
			case !ok:
				args[arg.Name] = &arg
				order = append(order, arg.Name)
			case prev.Value != nil && arg.Value != nil && *prev.Value != *arg.Value:
				return nil, fmt.Errorf("argument %q has two values in the templates: %q and %q", arg.Name, *prev.Value, *arg.Value)
			case prev.Value == nil && prev.ValueFrom == nil:
				args[arg.Name] = &arg
			}
		}
		run.Spec.DryRun = append(run.Spec.DryRun, spec.DryRun...)
		run.Spec.MeasurementRetention = append(run.Spec.MeasurementRetention, spec.MeasurementRetention...)
	}
	for _, g := range given {
		if a, ok := args[g.Name]; ok && g.Value != nil {
			v := *g.Value
			a.Value, a.ValueFrom = &v, nil
		}
	}
	for _, name := range order {
		arg := args[name]
		if arg.Value == nil && arg.ValueFrom == nil {
			return nil, fmt.Errorf("args.%s was not resolved", name)
		}
		run.Spec.Args = append(run.Spec.Args, *arg)
	}
	run.Spec.DryRun = append(run.Spec.DryRun, c.ex.Spec.DryRun...)
	run.Spec.MeasurementRetention = append(run.Spec.MeasurementRetention, c.ex.Spec.MeasurementRetention...)
	return run, nil
}

// collectTemplates reads the referenced templates and, depth first, the
// templates they nest, each once.
func (c *exContext) collectTemplates(ctx context.Context, refs []v1alpha1.AnalysisTemplateRef, seen map[string]bool) ([]*v1alpha1.AnalysisTemplateSpec, error) {
	var out []*v1alpha1.AnalysisTemplateSpec
	for _, ref := range refs {
		key := fmt.Sprintf("%t/%s", isCluster(ref.ClusterScope), ref.TemplateName)
		if seen[key] {
			continue
		}
		seen[key] = true
		spec, err := c.templateSpec(ctx, ref.TemplateName, isCluster(ref.ClusterScope))
		if err != nil {
			return nil, err
		}
		out = append(out, spec)
		nested, err := c.collectTemplates(ctx, spec.Templates, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, nested...)
	}
	return out, nil
}

// templateSpec reads an AnalysisTemplate of the Experiment's namespace, or
// a ClusterAnalysisTemplate.
func (c *exContext) templateSpec(ctx context.Context, name string, cluster bool) (*v1alpha1.AnalysisTemplateSpec, error) {
	if cluster {
		var t v1alpha1.ClusterAnalysisTemplate
		if err := c.r.Client.Get(ctx, client.ObjectKey{Name: name}, &t); err != nil {
			return nil, fmt.Errorf("cluster analysis template %s: %w", name, err)
		}
		return &t.Spec, nil
	}
	var t v1alpha1.AnalysisTemplate
	if err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ex.Namespace, Name: name}, &t); err != nil {
		return nil, fmt.Errorf("analysis template %s: %w", name, err)
	}
	return &t.Spec, nil
}
