package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func obj(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestNormalize(t *testing.T) {
	live := obj(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, resourceVersion: "9", generation: 3, uid: u1, managedFields: [{manager: x}]}
spec:
  replicas: 5
  template:
    spec:
      initContainers: [{name: istio-init, image: istio}]
      containers: [{name: web, image: web:1}]
status: {replicas: 5}`)
	ignore := []v1alpha1.ResourceIgnoreDifferences{
		{Group: "apps", Kind: "Deployment", JSONPointers: []string{"/spec/replicas"}},
		{Group: "apps", Kind: "Deployment", JQPathExpressions: []string{`.spec.template.spec.initContainers[] | select(.name == "istio-init")`}},
		{Group: "apps", Kind: "Deployment", Name: "other", JSONPointers: []string{"/spec/template"}},
	}
	got, err := Normalize(live, ignore, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "shop"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"initContainers": []any{},
			"containers":     []any{map[string]any{"name": "web", "image": "web:1"}},
		}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	if _, err := Normalize(live, []v1alpha1.ResourceIgnoreDifferences{{Group: "apps", Kind: "Deployment", JQPathExpressions: []string{".spec[["}}}, nil); err == nil {
		t.Error("a malformed jq expression was accepted")
	}
}

func TestNormalizeManagedFieldsManagers(t *testing.T) {
	live := obj(t, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, scaled-by: hpa}
  managedFields:
  - manager: argocd-controller
    operation: Apply
    fieldsType: FieldsV1
    fieldsV1: {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}
  - manager: hpa
    operation: Update
    fieldsType: FieldsV1
    fieldsV1: {"f:metadata": {"f:labels": {".": {}, "f:scaled-by": {}}}, "f:spec": {"f:replicas": {}}}
  - manager: injector
    operation: Update
    fieldsType: FieldsV1
    fieldsV1: {"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"sidecar\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}
spec:
  replicas: 5
  template:
    spec:
      containers: [{name: web, image: web:1}, {name: sidecar, image: proxy:2}]`)
	cases := []struct {
		name     string
		managers []string
		want     map[string]any
	}{{
		name:     "map fields of one manager",
		managers: []string{"hpa"},
		want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web"}},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:1"}, map[string]any{"name": "sidecar", "image": "proxy:2"}}}}}},
	}, {
		name:     "a list item by its key",
		managers: []string{"injector"},
		want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web", "scaled-by": "hpa"}},
			"spec": map[string]any{"replicas": float64(5), "template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:1"}, nil}}}}},
	}, {
		name:     "a manager that owns nothing here",
		managers: []string{"kubectl"},
		want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web", "scaled-by": "hpa"}},
			"spec": map[string]any{"replicas": float64(5), "template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:1"}, map[string]any{"name": "sidecar", "image": "proxy:2"}}}}}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules := []v1alpha1.ResourceIgnoreDifferences{{Group: "apps", Kind: "Deployment", ManagedFieldsManagers: tc.managers}}
			got, err := Normalize(live, rules, live.GetManagedFields())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Normalize (-want +got):\n%s", diff)
			}
		})
	}
}
