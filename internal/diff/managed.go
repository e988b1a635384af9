package diff

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// NeedsManagedFields reports whether a rule that matches obj names field
// managers: only then does a comparison need the live object's managedFields.
func NeedsManagedFields(rules []v1alpha1.ResourceIgnoreDifferences, obj *unstructured.Unstructured) bool {
	for _, r := range rules {
		if len(r.ManagedFieldsManagers) > 0 && Matches(r, obj) {
			return true
		}
	}
	return false
}

// managedFieldSets returns the field sets (managedFields fieldsV1, decoded)
// that the named managers own in a live object.
func managedFieldSets(entries []metav1.ManagedFieldsEntry, managers []string) []map[string]any {
	var out []map[string]any
	for _, e := range entries {
		if e.FieldsV1 == nil || !slices.Contains(managers, e.Manager) {
			continue
		}
		var set map[string]any
		if err := json.Unmarshal(e.FieldsV1.Raw, &set); err == nil {
			out = append(out, set)
		}
	}
	return out
}

// removeOwned deletes from m the leaf fields a field set names. Field sets
// use the server-side apply notation: "f:name" is a field, "k:{...}" a list
// item by its keys, "v:value" a set item, "i:N" an index, and "." the node
// itself: a map is kept for the members other managers may own, a list
// item the manager added goes whole.
func removeOwned(m any, set map[string]any) {
	for pe, child := range set {
		if pe == "." {
			continue
		}
		sub, _ := child.(map[string]any)
		leaf := len(sub) == 0 || (len(sub) == 1 && sub["."] != nil)
		switch node := m.(type) {
		case map[string]any:
			name, ok := strings.CutPrefix(pe, "f:")
			if !ok {
				continue
			}
			if leaf {
				delete(node, name)
			} else if v, ok := node[name]; ok {
				removeOwned(v, sub)
			}
		case []any:
			i := listIndex(node, pe)
			if i < 0 {
				continue
			}
			// A list item the manager added ("." owned) is the manager's whole.
			if leaf || sub["."] != nil {
				node[i] = nil
			} else {
				removeOwned(node[i], sub)
			}
		}
	}
}

// listIndex finds the list item a path element names, or -1.
func listIndex(list []any, pe string) int {
	kind, raw, ok := strings.Cut(pe, ":")
	if !ok {
		return -1
	}
	var want any
	if kind != "i" && json.Unmarshal([]byte(raw), &want) != nil {
		return -1
	}
	for i, item := range list {
		switch kind {
		case "i":
			if raw == jsonInt(i) {
				return i
			}
		case "v":
			if reflect.DeepEqual(item, want) {
				return i
			}
		case "k":
			keys, _ := want.(map[string]any)
			obj, _ := item.(map[string]any)
			if obj != nil && matchesKeys(obj, keys) {
				return i
			}
		}
	}
	return -1
}

func matchesKeys(obj, keys map[string]any) bool {
	for k, v := range keys {
		if !reflect.DeepEqual(normalizeNumber(obj[k]), normalizeNumber(v)) {
			return false
		}
	}
	return true
}

// normalizeNumber makes integers from decoded JSON and from objects alike.
func normalizeNumber(v any) any {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case int:
		return float64(n)
	case int32:
		return float64(n)
	}
	return v
}

func jsonInt(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
