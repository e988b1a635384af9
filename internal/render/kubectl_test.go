package render_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/tracking"
)

// The Kustomize fixtures render exactly as `kubectl kustomize` builds them,
// apart from the tracking annotation Tiphys adds.
func TestKustomizeMatchesKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	tree := fixtureTree(t)
	for _, dir := range []string{"kustomize/overlays/staging", "kustomize/overlays/prod"} {
		t.Run(dir, func(t *testing.T) {
			out, err := exec.Command(kubectl, "kustomize", filepath.Join("testdata/repo", dir)).Output()
			if err != nil {
				t.Fatalf("kubectl kustomize: %v", err)
			}
			want := splitYAML(t, out)
			res, err := render.Render(context.Background(), render.Request{
				AppName: "shop", Namespace: "ignored", Repo: tree,
				Source: v1alpha1.ApplicationSource{Path: dir},
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []map[string]any
			for _, o := range res.Objects {
				unstructured.RemoveNestedField(o.Object, "metadata", "annotations", tracking.Annotation)
				if len(o.GetAnnotations()) == 0 {
					unstructured.RemoveNestedField(o.Object, "metadata", "annotations")
				}
				got = append(got, o.Object)
			}
			sortObjects(want)
			sortObjects(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("differs from kubectl kustomize (-kubectl +tiphys):\n%s", diff)
			}
		})
	}
}

func splitYAML(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split("\n"+string(b), "\n---\n") {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := utiljson.Unmarshal(j, &m); err != nil {
			t.Fatal(err)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func sortObjects(objs []map[string]any) {
	key := func(m map[string]any) string {
		u := unstructured.Unstructured{Object: m}
		return u.GetKind() + "/" + u.GetNamespace() + "/" + u.GetName()
	}
	sort.Slice(objs, func(i, j int) bool { return key(objs[i]) < key(objs[j]) })
}
