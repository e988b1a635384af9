package applicationset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// Generated is what a set's generators and template make: the
// Applications, in name order, and the elements that failed to render.
type Generated struct {
	Applications []*v1alpha1.Application
	// ElementErrors name each parameter set whose template failed: that
	// element only is left out, the others apply.
	ElementErrors []error
	// RequeueAfter is the soonest a generator wants to run again (0: none).
	RequeueAfter int64
}

// Generate runs every generator of the set and renders the template (with
// each generator's override, then templatePatch) for each parameter set.
// A generator that fails fails the whole run: the caller must then change
// no Application. Two parameter sets that make the same Application name
// are an error too, as in Argo CD.
func Generate(ctx context.Context, set *v1alpha1.ApplicationSet, env *generators.Env) (*Generated, error) {
	out := &Generated{}
	if len(set.Spec.Generators) == 0 {
		return nil, errors.New("the set has no generators")
	}
	byName := map[string]*v1alpha1.Application{}
	origin := map[string]string{}
	opts := template.Options{GoTemplate: set.Spec.GoTemplate, GoTemplateOptions: set.Spec.GoTemplateOptions}
	for i := range set.Spec.Generators {
		res, err := generators.Generate(ctx, i, &set.Spec.Generators[i], set, env)
		if err != nil {
			return nil, err
		}
		if secs := int64(res.RequeueAfter.Seconds()); secs > 0 && (out.RequeueAfter == 0 || secs < out.RequeueAfter) {
			out.RequeueAfter = secs
		}
		tmpl := mergeTemplate(set.Spec.Template, res.Template)
		for j, params := range res.Params {
			app, err := renderApplication(set, tmpl, params, opts)
			if err != nil {
				out.ElementErrors = append(out.ElementErrors, fmt.Errorf("generator %d, parameter set %d: %w", i, j, err))
				continue
			}
			here := fmt.Sprintf("generator %d, parameter set %d", i, j)
			if prev, dup := origin[app.Name]; dup {
				return nil, fmt.Errorf("%s and %s both make application %q: every parameter set must give it a name of its own", prev, here, app.Name)
			}
			byName[app.Name], origin[app.Name] = app, here
		}
	}
	for _, app := range byName {
		out.Applications = append(out.Applications, app)
	}
	sort.Slice(out.Applications, func(i, j int) bool { return out.Applications[i].Name < out.Applications[j].Name })
	return out, nil
}

// mergeTemplate is the set's template with a generator's override on top,
// field by field, as Argo CD merges them.
func mergeTemplate(base, override v1alpha1.ApplicationSetTemplate) v1alpha1.ApplicationSetTemplate {
	if equalJSON(override, v1alpha1.ApplicationSetTemplate{}) {
		return base
	}
	b, _ := json.Marshal(base)
	o, _ := json.Marshal(override)
	merged, err := strategicpatch.StrategicMergePatch(b, o, v1alpha1.ApplicationSetTemplate{})
	if err != nil {
		return base
	}
	var t v1alpha1.ApplicationSetTemplate
	if err := json.Unmarshal(merged, &t); err != nil {
		return base
	}
	return t
}

// renderApplication renders one Application: every string of the template
// (map keys included) with the parameters, then the templatePatch.
func renderApplication(set *v1alpha1.ApplicationSet, tmpl v1alpha1.ApplicationSetTemplate, params template.Params, opts template.Options) (*v1alpha1.Application, error) {
	raw, err := toMap(tmpl)
	if err != nil {
		return nil, err
	}
	rendered, err := renderValue(raw, params, opts)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(rendered)
	if err != nil {
		return nil, err
	}
	if set.Spec.TemplatePatch != nil && *set.Spec.TemplatePatch != "" {
		if b, err = applyTemplatePatch(b, *set.Spec.TemplatePatch, params, opts); err != nil {
			return nil, err
		}
	}
	var t v1alpha1.ApplicationSetTemplate
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("rendered template is not an Application: %w", err)
	}
	app := &v1alpha1.Application{Spec: t.Spec}
	app.APIVersion, app.Kind = v1alpha1.SchemeGroupVersion.String(), "Application"
	app.Name, app.Namespace = t.Name, t.Namespace
	app.Labels, app.Annotations, app.Finalizers = t.Labels, t.Annotations, t.Finalizers
	if app.Namespace == "" {
		app.Namespace = set.Namespace
	}
	if app.Name == "" {
		return nil, errors.New("the rendered Application has no name")
	}
	return app, nil
}

// applyTemplatePatch renders the patch and merges it into the rendered
// template: lists are replaced, spec.project is never patched, and a
// patch that leaves no spec is refused (Argo CD's templatePatch).
func applyTemplatePatch(rendered []byte, patch string, params template.Params, opts template.Options) ([]byte, error) {
	text, err := template.Render(patch, params, opts)
	if err != nil {
		return nil, fmt.Errorf("templatePatch: %w", err)
	}
	pj, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("templatePatch: not YAML: %w", err)
	}
	var p map[string]any
	if err := json.Unmarshal(pj, &p); err != nil {
		return nil, fmt.Errorf("templatePatch: not an object: %w", err)
	}
	if spec, ok := p["spec"].(map[string]any); ok {
		delete(spec, "project")
	}
	pj, _ = json.Marshal(p)
	out, err := strategicpatch.StrategicMergePatch(rendered, pj, v1alpha1.ApplicationSetTemplate{})
	if err != nil {
		return nil, fmt.Errorf("templatePatch: %w", err)
	}
	var after map[string]any
	if err := json.Unmarshal(out, &after); err != nil {
		return nil, fmt.Errorf("templatePatch: %w", err)
	}
	if spec, ok := after["spec"].(map[string]any); !ok || len(spec) == 0 {
		return nil, errors.New("templatePatch leaves the Application without a spec")
	}
	return out, nil
}

// renderValue renders every string in a JSON value, map keys included.
func renderValue(v any, params template.Params, opts template.Options) (any, error) {
	switch t := v.(type) {
	case string:
		return template.Render(t, params, opts)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, vv := range t {
			key, err := template.Render(k, params, opts)
			if err != nil {
				return nil, err
			}
			r, err := renderValue(vv, params, opts)
			if err != nil {
				return nil, err
			}
			out[key] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, vv := range t {
			r, err := renderValue(vv, params, opts)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
