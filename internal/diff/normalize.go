package diff

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/itchyny/gojq"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// serverSet are metadata fields the server sets, never compared.
var serverSet = []string{"managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink"}

// Normalize returns a copy of obj reduced to what a comparison looks at:
// no status, no server-set metadata, and without the fields that the
// ignore rules matching obj name. Rules with managedFieldsManagers remove
// the fields those managers own in managed, the live object's managedFields
// (a dry run's prediction has taken them over).
func Normalize(obj *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences, managed []metav1.ManagedFieldsEntry) (map[string]any, error) {
	c := obj.DeepCopy()
	if c.GetKind() != "CustomResourceDefinition" {
		unstructured.RemoveNestedField(c.Object, "status")
	}
	for _, f := range serverSet {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	if len(c.GetAnnotations()) == 0 {
		unstructured.RemoveNestedField(c.Object, "metadata", "annotations")
	}
	if len(c.GetLabels()) == 0 {
		unstructured.RemoveNestedField(c.Object, "metadata", "labels")
	}
	// Round-trip through JSON: numbers and nesting alike on both sides, and
	// a form gojq accepts.
	b, err := json.Marshal(c.Object)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, rule := range ignore {
		if !Matches(rule, obj) {
			continue
		}
		for _, p := range rule.JSONPointers {
			removePointer(m, p)
		}
		for _, expr := range rule.JQPathExpressions {
			if m, err = removeJQ(m, expr); err != nil {
				return nil, err
			}
		}
		for _, set := range managedFieldSets(managed, rule.ManagedFieldsManagers) {
			removeOwned(m, set)
		}
	}
	return m, nil
}

// Matches reports whether an ignore rule applies to obj (group, kind, name, namespace).
func Matches(rule v1alpha1.ResourceIgnoreDifferences, obj *unstructured.Unstructured) bool {
	gvk := obj.GroupVersionKind()
	if !glob(rule.Group, gvk.Group) || !glob(rule.Kind, gvk.Kind) {
		return false
	}
	if rule.Name != "" && rule.Name != obj.GetName() {
		return false
	}
	return rule.Namespace == "" || rule.Namespace == obj.GetNamespace()
}

// glob matches a group or kind against a pattern where * is any text.
func glob(pattern, s string) bool {
	ok, err := path.Match(pattern, s)
	return pattern == s || (ok && err == nil)
}

// removePointer deletes the value at an RFC 6901 JSON pointer, if present.
func removePointer(m map[string]any, pointer string) {
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	var cur any = m
	for i, raw := range parts {
		key := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
		last := i == len(parts)-1
		switch node := cur.(type) {
		case map[string]any:
			if last {
				delete(node, key)
				return
			}
			cur = node[key]
		case []any:
			var idx int
			if _, err := fmt.Sscanf(key, "%d", &idx); err != nil || idx < 0 || idx >= len(node) {
				return
			}
			if last {
				node[idx] = nil
				return
			}
			cur = node[idx]
		default:
			return
		}
	}
}

// removeJQ deletes the paths a jq path expression selects.
func removeJQ(m map[string]any, expr string) (map[string]any, error) {
	q, err := gojq.Parse("del(" + expr + ")")
	if err != nil {
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	v, ok := q.Run(m).Next()
	if !ok {
		return m, nil
	}
	if err, isErr := v.(error); isErr {
		// A path that does not exist in this object is not an error.
		if strings.Contains(err.Error(), "cannot") {
			return m, nil
		}
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	out, ok := v.(map[string]any)
	if !ok {
		return m, nil
	}
	return out, nil
}
