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
	got, err := Normalize(live, ignore)
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
	if _, err := Normalize(live, []v1alpha1.ResourceIgnoreDifferences{{Group: "apps", Kind: "Deployment", JQPathExpressions: []string{".spec[["}}}); err == nil {
		t.Error("a malformed jq expression was accepted")
	}
}
