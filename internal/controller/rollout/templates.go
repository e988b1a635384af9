package rollout

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// runFromTemplates builds an AnalysisRun from the templates a Rollout
// analysis names and the templates they nest (analysis.Templates and
// analysis.RunSpec, Argo's NewAnalysisRunFromTemplates), with the values
// the Rollout gives (see rolloutArgs) and the analysis' dryRun and
// measurementRetention after the templates'.
func (c *rolloutContext) runFromTemplates(ctx context.Context, ra *v1alpha1.RolloutAnalysis) (*v1alpha1.AnalysisRun, error) {
	specs, err := analysis.Templates(ctx, c.r.Client, c.ro.Namespace, ra.Templates)
	if err != nil {
		return nil, err
	}
	given, err := c.rolloutArgs(ra.Args)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	for _, g := range given {
		values[g.Name] = g.Value
	}
	spec, err := analysis.RunSpec(specs, values, ra.DryRun, ra.MeasurementRetention)
	if err != nil {
		return nil, err
	}
	return &v1alpha1.AnalysisRun{Spec: spec}, nil
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
