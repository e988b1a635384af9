package generators

import (
	"context"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("list", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.List != nil }, listGenerator{})
}

// listGenerator yields one parameter set per element, then one per item of
// elementsYaml (Argo CD's Generators-List.md).
//
// In the default template language each element's values must be strings,
// except "values", an object of strings yielded as "values.<key>"; with
// goTemplate an element is yielded as it is (numbers, lists, objects).
// elementsYaml is a YAML (or JSON) list of objects yielded as they are; it
// is not a template of its own: inside a matrix, the first generator's
// parameters are rendered into it, as into any field of the second.
type listGenerator struct{}

func (listGenerator) Generate(_ context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, _ *Env) ([]Params, error) {
	out := make([]Params, 0, len(g.List.Elements))
	for i, raw := range g.List.Elements {
		var el map[string]any
		if err := json.Unmarshal(raw.Raw, &el); err != nil {
			return nil, fmt.Errorf("element %d: not an object: %w", i, err)
		}
		if set.Spec.GoTemplate {
			out = append(out, el)
			continue
		}
		p, err := flatElement(el)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out = append(out, p)
	}
	if g.List.ElementsYaml != "" {
		var items []map[string]any
		if err := yaml.Unmarshal([]byte(g.List.ElementsYaml), &items); err != nil {
			return nil, fmt.Errorf("elementsYaml: not a list of objects: %w", err)
		}
		for _, it := range items {
			if it == nil {
				it = Params{}
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// flatElement checks a default-language element: strings only, but for
// the strings of its "values" object.
func flatElement(el map[string]any) (Params, error) {
	p := make(Params, len(el))
	for _, k := range sortedKeys(el) {
		if k != "values" {
			s, ok := el[k].(string)
			if !ok {
				return nil, fmt.Errorf("%q is %s, not a string: quote it, or set goTemplate: true", k, kindOf(el[k]))
			}
			p[k] = s
			continue
		}
		values, ok := el[k].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("values is %s, not an object of strings", kindOf(el[k]))
		}
		for vk, vv := range values {
			s, ok := vv.(string)
			if !ok {
				return nil, fmt.Errorf("values.%s is %s, not a string: quote it, or set goTemplate: true", vk, kindOf(vv))
			}
			p["values."+vk] = s
		}
	}
	return p, nil
}

// kindOf names a JSON value's type for an error message.
func kindOf(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("a boolean (%v)", t)
	case float64:
		return fmt.Sprintf("a number (%v)", t)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
