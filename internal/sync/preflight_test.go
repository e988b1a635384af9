package sync

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func testObject(apiVersion, kind, name string, annotations map[string]string, fields map[string]any) *unstructured.Unstructured {
	o := &unstructured.Unstructured{Object: map[string]any{}}
	for k, v := range fields {
		o.Object[k] = v
	}
	o.SetAPIVersion(apiVersion)
	o.SetKind(kind)
	o.SetName(name)
	o.SetNamespace("ns")
	o.SetAnnotations(annotations)
	return o
}

func TestPreflight(t *testing.T) {
	served := func(gvk schema.GroupVersionKind) bool {
		return gvk.Group == "" || gvk.Group == "apps" || gvk.Group == "apiextensions.k8s.io"
	}
	widgetCRD := testObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", nil,
		map[string]any{"spec": map[string]any{"group": "example.com", "names": map[string]any{"kind": "Widget"}}})
	cases := []struct {
		name    string
		targets []*unstructured.Unstructured
		opts    []string
		missing []string // objects the error must name; none means no error
	}{{
		name:    "served kinds",
		targets: []*unstructured.Unstructured{testObject("v1", "ConfigMap", "a", nil, nil), testObject("apps/v1", "Deployment", "d", nil, nil)},
	}, {
		name:    "a kind nobody serves",
		targets: []*unstructured.Unstructured{testObject("v1", "ConfigMap", "a", nil, nil), testObject("example.com/v1", "Gadget", "g", nil, nil)},
		missing: []string{"Gadget ns/g"},
	}, {
		name:    "a kind a CRD of the same sync defines",
		targets: []*unstructured.Unstructured{widgetCRD, testObject("example.com/v1", "Widget", "w", nil, nil)},
	}, {
		name: "an object that opts out",
		targets: []*unstructured.Unstructured{testObject("example.com/v1", "Gadget", "g",
			map[string]string{AnnotationSyncOptions: "SkipDryRunOnMissingResource=true"}, nil)},
	}, {
		name:    "an app that opts out",
		targets: []*unstructured.Unstructured{testObject("example.com/v1", "Gadget", "g", nil, nil)},
		opts:    []string{"SkipDryRunOnMissingResource=true"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan := NewPlan(Request{Targets: tc.targets, Options: ParseOptions(tc.opts)}, &v1alpha1.OperationState{})
			err := plan.Preflight(served)
			if len(tc.missing) == 0 {
				if err != nil {
					t.Fatalf("Preflight: %v", err)
				}
				return
			}
			for _, m := range tc.missing {
				if err == nil || !strings.Contains(err.Error(), m) {
					t.Errorf("Preflight error %v does not name %s", err, m)
				}
			}
		})
	}
}

func TestAppWidePruneFalse(t *testing.T) {
	orphan := testObject("v1", "ConfigMap", "old", nil, nil)
	state := &v1alpha1.OperationState{Operation: v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: true}}}
	plan := NewPlan(Request{Orphans: []*unstructured.Unstructured{orphan}, Options: ParseOptions([]string{"Prune=false", "Validate=false"})}, state)
	var prunes int
	for _, g := range plan.Groups {
		for _, task := range g {
			if task.Prune {
				prunes++
				if !task.Options.NoPrune {
					t.Error("an app-wide Prune=false left a prune to run")
				}
			}
		}
	}
	if prunes != 1 {
		t.Errorf("%d prune tasks, want 1", prunes)
	}
}
