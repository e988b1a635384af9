package cluster_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// Given a real API server with the argoproj.io CRDs, discovery knows
// built-in and custom kinds and their scope, the server version and the API
// versions; a render defaults only namespaced kinds to the destination.
func TestDiscovery(t *testing.T) {
	env.Require(t)
	d := cluster.NewDiscovery(discovery.NewDiscoveryClientForConfigOrDie(env.Config))
	tests := []struct {
		gk                schema.GroupKind
		namespaced, known bool
	}{
		{schema.GroupKind{Kind: "ConfigMap"}, true, true},
		{schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}, false, true},
		{schema.GroupKind{Group: "argoproj.io", Kind: "Application"}, true, true},
		{schema.GroupKind{Group: "example.com", Kind: "Widget"}, false, false},
	}
	for _, tt := range tests {
		ns, known := d.Namespaced(tt.gk)
		if ns != tt.namespaced || known != tt.known {
			t.Errorf("Namespaced(%v) = %v, %v; want %v, %v", tt.gk, ns, known, tt.namespaced, tt.known)
		}
	}
	if v, err := d.KubeVersion(); err != nil || v != "1.37.2" {
		t.Errorf("KubeVersion = %q, %v", v, err)
	}
	versions, err := d.APIVersions()
	if err != nil || !slices.Contains(versions, "apps/v1") || !slices.Contains(versions, "argoproj.io/v1alpha1/Application") {
		t.Errorf("APIVersions lacks apps/v1 or argoproj.io/v1alpha1/Application: %v", err)
	}

	repo := gittest.New(t)
	repo.Commit("app", map[string]string{"app/all.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team}
spec: {}
`})
	res, err := render.Render(context.Background(), render.Request{
		AppName: "a", Namespace: "dest", Repo: repo.Tree("main"), Namespaced: d.Namespaced,
		Source: v1alpha1.ApplicationSource{Path: "app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		want := "dest"
		if o.GetKind() == "ClusterRole" {
			want = ""
		}
		if o.GetNamespace() != want {
			t.Errorf("%s namespace = %q, want %q", o.GetKind(), o.GetNamespace(), want)
		}
	}
}
