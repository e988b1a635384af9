package render_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// A chart's dependencies are reported with the repositories its Chart.yaml
// and Chart.lock name, and so are those of a vendored subchart, whatever
// renders: the project decides whether they may be used. Local (file://)
// dependencies are the repository's own.
func TestHelmDependenciesReported(t *testing.T) {
	repo := fstest.MapFS{
		"web/Chart.yaml": {Data: []byte(`apiVersion: v2
name: web
version: 1.0.0
dependencies:
- {name: cache, version: 2.0.0, repository: https://charts.example.com/stable}
- {name: common, version: 0.1.0, repository: file://../common}
`)},
		"web/Chart.lock": {Data: []byte(`dependencies:
- {name: cache, version: 2.0.0, repository: https://charts.example.com/stable}
- {name: common, version: 0.1.0, repository: file://../common}
digest: sha256:0
generated: "2026-11-01T00:00:00Z"
`)},
		"web/templates/cm.yaml":                            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n")},
		"web/charts/cache/Chart.yaml":                      {Data: []byte("apiVersion: v2\nname: cache\nversion: 2.0.0\ndependencies:\n- {name: metrics, version: 1.0.0, repository: oci://registry.evil.example/charts}\n")},
		"web/charts/cache/Chart.lock":                      {Data: []byte("dependencies:\n- {name: metrics, version: 1.0.0, repository: oci://registry.evil.example/charts}\ndigest: sha256:1\ngenerated: \"2026-11-01T00:00:00Z\"\n")},
		"web/charts/cache/charts/metrics/Chart.yaml":       {Data: []byte("apiVersion: v2\nname: metrics\nversion: 1.0.0\n")},
		"web/charts/cache/charts/metrics/templates/a.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: metrics}\n")},
		"web/charts/common/Chart.yaml":                     {Data: []byte("apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n")},
	}
	res, err := render.Render(context.Background(), render.Request{AppName: "web", Namespace: "web", Repo: repo,
		Source: v1alpha1.ApplicationSource{Path: "web"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []render.Dependency{
		{Kind: render.DependencyHelm, RepoURL: "https://charts.example.com/stable", File: "web/Chart.lock", Name: "cache"},
		{Kind: render.DependencyHelm, RepoURL: "https://charts.example.com/stable", File: "web/Chart.yaml", Name: "cache"},
		{Kind: render.DependencyHelm, RepoURL: "oci://registry.evil.example/charts", File: "web/charts/cache/Chart.lock", Name: "metrics"},
		{Kind: render.DependencyHelm, RepoURL: "oci://registry.evil.example/charts", File: "web/charts/cache/Chart.yaml", Name: "metrics"},
	}
	if len(res.Dependencies) != len(want) {
		t.Fatalf("dependencies = %+v, want %+v", res.Dependencies, want)
	}
	for i := range want {
		if res.Dependencies[i] != want[i] {
			t.Errorf("dependency %d = %+v, want %+v", i, res.Dependencies[i], want[i])
		}
	}
}
