package analysisrun

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// errNoField is a fieldPath that names nothing in the object.
var errNoField = errors.New("no such field")

// fieldValue reads a fieldRef's fieldPath from an object as text, as Argo
// resolves fieldRef arguments against the Rollout: dotted names with
// bracketed keys for names that hold dots or slashes, such as
// metadata.labels['app.kubernetes.io/name'] or spec.strategy.canary.stableService.
// A string is its value; a number, boolean, list or map is its JSON.
func fieldValue(obj map[string]any, path string) (string, error) {
	segments, err := splitFieldPath(path)
	if err != nil {
		return "", err
	}
	var cur any = obj
	for _, seg := range segments {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", fmt.Errorf("fieldPath %q: %w", path, errNoField)
		}
		if cur, ok = m[seg]; !ok {
			return "", fmt.Errorf("fieldPath %q: %w", path, errNoField)
		}
	}
	if s, ok := cur.(string); ok {
		return s, nil
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return "", fmt.Errorf("fieldPath %q: %w", path, err)
	}
	return string(raw), nil
}

// splitFieldPath splits a.b['c.d'].e into a, b, c.d, e.
func splitFieldPath(path string) ([]string, error) {
	var out []string
	rest := path
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "['") || strings.HasPrefix(rest, `["`):
			quote := rest[1:2]
			end := strings.Index(rest[2:], quote+"]")
			if end < 0 {
				return nil, fmt.Errorf("fieldPath %q: unclosed bracket", path)
			}
			out = append(out, rest[2:2+end])
			rest = rest[2+end+2:]
		case rest[0] == '.':
			rest = rest[1:]
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			out = append(out, rest[:end])
			rest = rest[end:]
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("fieldPath %q: empty", path)
	}
	return out, nil
}
