package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/valyala/fasttemplate"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// ErrArgNotResolved is a {{...}} placeholder with no value, or an argument
// whose value was not resolved.
var ErrArgNotResolved = errors.New("argument not resolved")

// ArgValues maps argument names to their values, ready for
// [ResolveMetric]. Every argument must have a value: one that comes from
// valueFrom (a Secret or a field) is resolved by the controller first, as
// Argo resolves them before each measurement.
func ArgValues(args []v1alpha1.Argument) (map[string]string, error) {
	values := make(map[string]string, len(args))
	for _, arg := range args {
		if arg.Value == nil {
			return nil, fmt.Errorf("args.%s: %w", arg.Name, ErrArgNotResolved)
		}
		values[arg.Name] = *arg.Value
	}
	return values, nil
}

// ResolveMetric returns the metric with every {{args.NAME}} replaced by the
// argument's value, in every field, as Argo's ResolveMetricArgs: the metric
// is written as JSON, placeholders (spaces inside the braces allowed, as in
// {{ args.service }}) are replaced with the value escaped for a JSON
// string, and the JSON is read back. So arguments can also set numbers
// written as strings, such as count: "{{args.count}}". Any other {{...}}
// placeholder, or an argument missing from values, is an error wrapping
// [ErrArgNotResolved].
func ResolveMetric(metric v1alpha1.Metric, values map[string]string) (v1alpha1.Metric, error) {
	raw, err := json.Marshal(metric)
	if err != nil {
		return v1alpha1.Metric{}, fmt.Errorf("resolve arguments of metric %q: %w", metric.Name, err)
	}
	resolved, err := substitute(string(raw), values)
	if err != nil {
		return v1alpha1.Metric{}, fmt.Errorf("resolve arguments of metric %q: %w", metric.Name, err)
	}
	var out v1alpha1.Metric
	if err := json.Unmarshal([]byte(resolved), &out); err != nil {
		return v1alpha1.Metric{}, fmt.Errorf("resolve arguments of metric %q: %w", metric.Name, err)
	}
	return out, nil
}

// substitute replaces the placeholders of a JSON document; values are
// escaped so that quotes, backslashes and newlines stay inside their string.
func substitute(doc string, values map[string]string) (string, error) {
	tmpl, err := fasttemplate.NewTemplate(doc, "{{", "}}")
	if err != nil {
		return "", fmt.Errorf("parse placeholders: %w", err)
	}
	var missing []string
	out := tmpl.ExecuteFuncString(func(w io.Writer, tag string) (int, error) {
		name, isArg := strings.CutPrefix(strings.TrimSpace(tag), "args.")
		value, ok := values[name]
		if !isArg || !ok {
			missing = append(missing, "{{"+tag+"}}")
			return 0, nil
		}
		return io.WriteString(w, jsonEscape(value))
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s: %w", strings.Join(missing, ", "), ErrArgNotResolved)
	}
	return out, nil
}

// jsonEscape is value as it appears between a JSON string's quotes.
func jsonEscape(value string) string {
	quoted, _ := json.Marshal(value) // a string always marshals
	return string(quoted[1 : len(quoted)-1])
}
