package render_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// serveHelmRepo packages the fixture chart into a classic Helm repository
// (index.yaml and a .tgz) served over HTTP with basic auth.
func serveHelmRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c, err := loader.LoadDir("testdata/repo/charts/web")
	if err != nil {
		t.Fatal(err)
	}
	archive, err := chartutil.Save(c, dir)
	if err != nil {
		t.Fatal(err)
	}
	idx := repo.NewIndexFile()
	if err := idx.MustAdd(c.Metadata, filepath.Base(archive), "", "sha256:unused"); err != nil {
		t.Fatal(err)
	}
	if err := idx.WriteFile(filepath.Join(dir, "index.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "reader" || p != "chart-pass" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A chart from a Helm repository renders with its values, the version
// constraint resolved against the index; a missing version fails clearly.
func TestHelmRepositoryChart(t *testing.T) {
	repoURL := serveHelmRepo(t)
	charts := &render.HTTPCharts{BasicAuth: func(string) (string, string) { return "reader", "chart-pass" }}
	res, err := render.Render(context.Background(), render.Request{
		AppName: "web", Namespace: "web", Charts: charts,
		Source: v1alpha1.ApplicationSource{RepoURL: repoURL, Chart: "web", TargetRevision: "1.4.*",
			Helm: &v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{{Name: "replicaCount", Value: "3"}}, SkipTests: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range res.Objects {
		if o.GetKind() == "Deployment" {
			found = true
			if r, _, _ := unstructured.NestedInt64(o.Object, "spec", "replicas"); r != 3 {
				t.Errorf("replicas = %d, want 3", r)
			}
		}
	}
	if !found || res.SourceType != v1alpha1.ApplicationSourceTypeHelm {
		t.Errorf("no Deployment rendered from the repository chart: %v", res.SourceType)
	}

	_, err = render.Render(context.Background(), render.Request{
		AppName: "web", Namespace: "web", Charts: charts,
		Source: v1alpha1.ApplicationSource{RepoURL: repoURL, Chart: "web", TargetRevision: "9.9.9"},
	})
	if err == nil || !strings.Contains(err.Error(), `chart "web" version "9.9.9"`) {
		t.Errorf("missing version: err = %v", err)
	}
}
