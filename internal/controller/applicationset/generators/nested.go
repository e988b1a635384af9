package generators

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// nestingGenerator is a generator of generators (matrix, merge): depth is
// how deep it sits, 0 at the top of the set. Argo CD allows one nested
// matrix or merge inside a top-level one, no deeper.
type nestingGenerator interface {
	generateAt(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env, depth int) ([]Params, error)
}

// generateChild runs a child of a matrix or merge sitting at depth,
// with params (a set of the matrix's first child, or nil) rendered into
// its fields first, then its selector.
func generateChild(ctx context.Context, n v1alpha1.ApplicationSetNestedGenerator, set *v1alpha1.ApplicationSet, env *Env, params Params, depth int) ([]Params, error) {
	if len(params) > 0 {
		var err error
		if n, err = interpolate(n, params, optionsOf(set)); err != nil {
			return nil, fmt.Errorf("render the first generator's parameters into it: %w", err)
		}
	}
	g, err := unnest(n, depth)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if !k.set(g) {
			continue
		}
		var out []Params
		if ng, ok := k.gen.(nestingGenerator); ok {
			out, err = ng.generateAt(ctx, g, set, env, depth+1)
		} else {
			out, err = k.gen.Generate(ctx, g, set, env)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.name, err)
		}
		out, err = selectParams(g, out)
		if err != nil {
			return nil, fmt.Errorf("%s: selector: %w", k.name, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no generator set, or one of a kind this version does not know")
}

// unnest turns a nested generator into a generator, decoding a nested
// matrix or merge from its JSON.
func unnest(n v1alpha1.ApplicationSetNestedGenerator, depth int) (*v1alpha1.ApplicationSetGenerator, error) {
	g := &v1alpha1.ApplicationSetGenerator{
		List: n.List, Clusters: n.Clusters, Git: n.Git, SCMProvider: n.SCMProvider,
		ClusterDecisionResource: n.ClusterDecisionResource, PullRequest: n.PullRequest,
		Plugin: n.Plugin, Selector: n.Selector,
	}
	if n.Matrix == nil && n.Merge == nil {
		return g, nil
	}
	if depth > 0 {
		return nil, fmt.Errorf("a matrix or merge nested in a nested matrix or merge: only one level of nesting is supported, as in Argo CD")
	}
	if n.Matrix != nil {
		g.Matrix = &v1alpha1.MatrixGenerator{}
		if err := json.Unmarshal(n.Matrix.Raw, g.Matrix); err != nil {
			return nil, fmt.Errorf("nested matrix: %w", err)
		}
	}
	if n.Merge != nil {
		g.Merge = &v1alpha1.MergeGenerator{}
		if err := json.Unmarshal(n.Merge.Raw, g.Merge); err != nil {
			return nil, fmt.Errorf("nested merge: %w", err)
		}
	}
	return g, nil
}

// valuesOf are the kinds whose "values" are templates of their own
// parameters: rendering the first generator's parameters into them leaves
// what it cannot resolve for the child to render, as Argo CD does.
var valuesOf = []string{"clusters", "git", "clusterDecisionResource", "plugin", "scmProvider", "pullRequest"}

// interpolate renders params into every string (and map key) of a child
// generator, as Argo CD's interpolation of a matrix's second generator.
func interpolate(n v1alpha1.ApplicationSetNestedGenerator, params Params, o template.Options) (v1alpha1.ApplicationSetNestedGenerator, error) {
	raw, err := json.Marshal(n)
	if err != nil {
		return n, err
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return n, err
	}
	lenient := map[string]any{}
	for _, v := range tree {
		if k, ok := v.(map[string]any); ok {
			// A child's template is not used inside a matrix; its
			// tags are the final parameters', not the first's.
			delete(k, "template")
		}
	}
	for _, kind := range valuesOf {
		if k, ok := tree[kind].(map[string]any); ok {
			if v, ok := k["values"].(map[string]any); ok {
				lenient[kind] = v
				delete(k, "values")
			}
		}
	}
	rendered, err := renderTree(tree, params, o)
	if err != nil {
		return n, err
	}
	tree = rendered.(map[string]any)
	for kind, v := range lenient {
		tree[kind].(map[string]any)["values"] = renderLenient(v.(map[string]any), params, o)
	}
	if raw, err = json.Marshal(tree); err != nil {
		return n, err
	}
	var out v1alpha1.ApplicationSetNestedGenerator
	if err := json.Unmarshal(raw, &out); err != nil {
		return n, fmt.Errorf("the rendered generator does not decode: %w", err)
	}
	return out, nil
}

func renderTree(v any, params Params, o template.Options) (any, error) {
	switch t := v.(type) {
	case string:
		return template.Render(t, params, o)
	case []any:
		out := make([]any, len(t))
		for i, vv := range t {
			r, err := renderTree(vv, params, o)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, vv := range t {
			rk, err := template.Render(k, params, o)
			if err != nil {
				return nil, err
			}
			r, err := renderTree(vv, params, o)
			if err != nil {
				return nil, err
			}
			out[rk] = r
		}
		return out, nil
	}
	return v, nil
}

// renderLenient renders values with missing keys as errors and keeps a
// value as written when it does not render, so that it may refer to the
// child's own parameters.
func renderLenient(values map[string]any, params Params, o template.Options) map[string]any {
	strict := o
	if o.GoTemplate {
		strict.GoTemplateOptions = append([]string{}, o.GoTemplateOptions...)
		strict.GoTemplateOptions = append(strict.GoTemplateOptions, "missingkey=error")
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		s, ok := v.(string)
		if !ok {
			out[k] = v
			continue
		}
		if r, err := template.Render(s, params, strict); err == nil {
			out[k] = r
		} else {
			out[k] = s
		}
	}
	return out
}
