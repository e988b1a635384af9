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

// runFromTemplates builds an AnalysisRun from an analysis' template and
// the templates it nests (analysis.Templates and analysis.RunSpec), with
// the experiment's dryRun and measurementRetention after the templates'.
func (c *exContext) runFromTemplates(ctx context.Context, a v1alpha1.ExperimentAnalysisTemplateRef, given []v1alpha1.Argument) (*v1alpha1.AnalysisRun, error) {
	specs, err := analysis.Templates(ctx, c.r.Client, c.ex.Namespace, []v1alpha1.AnalysisTemplateRef{{TemplateName: a.TemplateName, ClusterScope: a.ClusterScope}})
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	for _, g := range given {
		if g.Value != nil {
			values[g.Name] = *g.Value
		}
	}
	spec, err := analysis.RunSpec(specs, values, c.ex.Spec.DryRun, c.ex.Spec.MeasurementRetention)
	if err != nil {
		return nil, err
	}
	return &v1alpha1.AnalysisRun{Spec: spec}, nil
}
