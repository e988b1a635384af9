package health

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// No built-in check panics on a status of an unexpected shape: a string
// for a list, a list of scalars, numbers for strings, nulls.
func TestChecksSurviveMalformedStatus(t *testing.T) {
	statuses := []any{
		"broken",
		map[string]any{"conditions": "Ready"},
		map[string]any{"conditions": []any{"Ready", int64(3), nil}},
		map[string]any{"conditions": []any{map[string]any{"type": int64(1), "status": true, "message": []any{}}}},
		map[string]any{"phase": int64(7), "state": []any{"x"}, "status": map[string]any{}, "health": int64(1)},
		map[string]any{"phase": nil, "replicas": "three", "readyReplicas": "two", "observedGeneration": "one"},
	}
	specs := []any{nil, "broken", map[string]any{"replicas": "two", "paused": "yes", "suspend": "no"}}
	kinds := make([]schema.GroupKind, 0, len(checks))
	for gk := range checks {
		kinds = append(kinds, gk)
	}
	for _, w := range wildcards {
		for _, k := range []string{"Widget", "ProviderConfig", "ConfigConnector"} {
			kinds = append(kinds, schema.GroupKind{Group: strings.Replace(w.Group, "*", "x", 1), Kind: k})
		}
	}
	for _, gk := range kinds {
		for _, status := range statuses {
			for _, spec := range specs {
				obj := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": gk.Group + "/v1", "kind": gk.Kind,
					"metadata": map[string]any{"name": "m", "generation": int64(2)},
					"status":   status, "spec": spec,
				}}
				if gk.Group == "" {
					obj.SetAPIVersion("v1")
				}
				if _, err := Of(obj, nil); err != nil && strings.Contains(err.Error(), "health check of") {
					t.Errorf("%s: %v (status %v, spec %v)", gk, err, status, spec)
				}
			}
		}
	}
}
