package health

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Field readers with the semantics of Argo CD's Lua health scripts, for
// the checks translated from them: absent is nil, numbers compare by
// value whether decoded as int64 or float64, concatenation prints 3 not 3.0.

// valueAt is the value at path under m, nil when a step is absent or not
// a map (a script's nil).
func valueAt(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

// toNumber reads a JSON number (or a numeric string, as a script's
// tonumber) as float64.
func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

// numberAt is the number at path, or an error naming the field when it is
// absent (where Argo CD's script would fail on arithmetic with nil).
func numberAt(m map[string]any, path ...string) (float64, error) {
	v := valueAt(m, path...)
	if _, isString := v.(string); !isString {
		if n, ok := toNumber(v); ok {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%s is not a number", strings.Join(path, "."))
}

// numberOr is the number at path, or def when there is none.
func numberOr(m map[string]any, def float64, path ...string) float64 {
	n, err := numberAt(m, path...)
	if err != nil {
		return def
	}
	return n
}

// sameValue compares two values as a script's ==: absent equals absent,
// numbers by value, anything else by type and value.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	_, as := a.(string)
	_, bs := b.(string)
	if as != bs {
		return false
	}
	if !as {
		x, xok := toNumber(a)
		y, yok := toNumber(b)
		if xok && yok {
			return x == y
		}
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// valueText renders a string or number as a script's concatenation does
// (3, not 3.0); absent is empty.
func valueText(v any) string {
	if v == nil {
		return ""
	}
	return luaString(v)
}

// truthy is a script's truth: anything but absent and false.
func truthy(v any) bool {
	b, isBool := v.(bool)
	return v != nil && (!isBool || b)
}

// lookStr is the string at the path, and whether there is one.
func lookStr(m map[string]any, path ...string) (string, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// lookNum is the number at the path (integers and floats, not strings).
func lookNum(m map[string]any, path ...string) (float64, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(m, path...)
	if _, isString := v.(string); !ok || isString {
		return 0, false
	}
	return toNumber(v)
}

// lookBool is the boolean at the path.
func lookBool(m map[string]any, path ...string) (value, ok bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return false, false
	}
	b, ok := v.(bool)
	return b, ok
}

// lookMap is the object at the path.
func lookMap(m map[string]any, path ...string) (map[string]any, bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return nil, false
	}
	x, ok := v.(map[string]any)
	return x, ok
}

// lookList is the list at the path.
func lookList(m map[string]any, path ...string) ([]any, bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return nil, false
	}
	x, ok := v.([]any)
	return x, ok
}

// lookHas reports whether the path holds a value (not null).
func lookHas(m map[string]any, path ...string) bool {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	return found && v != nil
}

// luaString renders a field as Lua's tostring and concatenation would:
// integral numbers without a fraction.
func luaString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', 14, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "nil"
	}
	return fmt.Sprint(v)
}

// generationObserved reports whether status.observedGeneration, when both
// it and metadata.generation are set, equals the generation.
func generationObserved(obj *unstructured.Unstructured) bool {
	gen, ok := lookNum(obj.Object, "metadata", "generation")
	if !ok {
		return true
	}
	seen, ok := lookNum(obj.Object, "status", "observedGeneration")
	return !ok || gen == seen
}
