package generators

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// optionsOf is the set's template language.
func optionsOf(set *v1alpha1.ApplicationSet) template.Options {
	return template.Options{GoTemplate: set.Spec.GoTemplate, GoTemplateOptions: set.Spec.GoTemplateOptions}
}

var notDNS = regexp.MustCompile(`[^-a-z0-9.]`)

// Normalize is the "Normalized" form of a name that generators yield
// (nameNormalized, path.basenameNormalized): lower case, every character
// a DNS subdomain does not allow replaced by "-", at most 253 characters,
// without leading or trailing "-" and ".", as Argo CD's SanitizeName.
func Normalize(name string) string {
	name = notDNS.ReplaceAllString(strings.ToLower(name), "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// appendValues adds a generator's values to each of its parameter sets,
// each value rendered as a template over the set's other parameters:
// "values.<key>" in the default language, a nested "values" map in Go
// templates (Argo CD's appendTemplatedValues). Values cannot refer to
// each other.
func appendValues(values map[string]string, params Params, o template.Options) error {
	if len(values) == 0 {
		return nil
	}
	rendered := make(map[string]any, len(values))
	for _, k := range sortedKeys(values) {
		v, err := template.Render(values[k], params, o)
		if err != nil {
			return fmt.Errorf("values %q: %w", k, err)
		}
		rendered[k] = v
	}
	if o.GoTemplate {
		params["values"] = rendered
		return nil
	}
	for k, v := range rendered {
		params["values."+k] = v
	}
	return nil
}

// flattenObject is an object read from a file or a plugin as the default
// language sees it, as Argo CD flattens it: nested keys joined with ".",
// list items by index ("tags.0"), empty maps and lists dropped, and every
// leaf in Go's %v form (numbers as float64: 3, 2.5, 1e+06; null as
// "<nil>").
func flattenObject(obj map[string]any) Params {
	out := Params{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, vv := range t {
				walk(joinKey(prefix, k), vv)
			}
		case []any:
			for i, vv := range t {
				walk(joinKey(prefix, strconv.Itoa(i)), vv)
			}
		default:
			out[prefix] = fmt.Sprintf("%v", t)
		}
	}
	walk("", obj)
	return out
}

func joinKey(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// copyParams is a deep copy of maps and lists, so that generators that
// combine sets (matrix, merge) never share a map between two sets.
func copyParams(p Params) Params {
	return copyValue(p).(Params)
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, vv := range t {
			out[k] = copyValue(vv)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, vv := range t {
			out[i] = copyValue(vv)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, vv := range t {
			out[k] = vv
		}
		return out
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stringMap converts labels or annotations to the map type nested
// parameters use.
func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
