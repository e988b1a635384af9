package application_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// chartArchive is a packaged chart (charts/NAME-VERSION.tgz) holding the
// given files under NAME/.
func chartArchive(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for path, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name + "/" + path, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// allowRepos sets a project's sourceRepos.
func allowRepos(t *testing.T, name string, repos ...string) {
	t.Helper()
	p := &v1alpha1.AppProject{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: name}, p); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.SourceRepos = repos
	if err := env.Client.Patch(context.Background(), p, patch); err != nil {
		t.Fatal(err)
	}
}

// Given a project that allows only the team's own repository,
// when one app's chart vendors a dependency (charts/*.tgz) whose Chart.lock
// names a chart repository the project does not allow, and another app's
// kustomization pulls a remote base from a Git repository it does not allow,
// then both are refused with a condition naming the dependency's URL and
// the file that names it, and nothing of them is created; once the project
// allows those URLs, both sync.
func TestProjectGuardsDependencies(t *testing.T) {
	env.Require(t)
	const chartRepo = "https://charts.untrusted.example/stable"
	shared := gittest.New(t)
	shared.Commit("base", map[string]string{
		"bases/web/kustomization.yaml": "resources:\n- cm.yaml\n",
		"bases/web/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata: {from: base}\n",
	})
	repo := gittest.New(t)
	sha := repo.Commit("apps", map[string]string{
		"chart/Chart.yaml":        "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n- {name: cache, version: 2.0.0}\n",
		"chart/Chart.lock":        "dependencies:\n- {name: cache, version: 2.0.0, repository: " + chartRepo + "}\ndigest: sha256:0\ngenerated: \"2026-11-01T00:00:00Z\"\n",
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop}\n",
		"chart/charts/cache-2.0.0.tgz": chartArchive(t, "cache", map[string]string{
			"Chart.yaml":        "apiVersion: v2\nname: cache\nversion: 2.0.0\n",
			"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cache}\n",
		}),
		"overlay/kustomization.yaml": "resources:\n- " + shared.URL() + "//bases/web\n",
	})
	newProject(t, "team-deps", v1alpha1.AppProjectSpec{
		SourceRepos:  []string{repo.URL()},
		Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}},
	})
	newApp(t, "deps-chart", repo.URL(), "chart", automated(true, false), inProject("team-deps"))
	newApp(t, "deps-remote", repo.URL(), "overlay", automated(true, false), inProject("team-deps"))

	waitCondition(t, "deps-chart", v1alpha1.ApplicationConditionComparisonError, "sourceRepos", chartRepo, "chart/Chart.lock")
	waitCondition(t, "deps-remote", v1alpha1.ApplicationConditionComparisonError, "sourceRepos", shared.URL(), "overlay/kustomization.yaml")
	for _, o := range []struct{ ns, name string }{{"deps-chart", "shop"}, {"deps-chart", "cache"}, {"deps-remote", "web"}} {
		if ok, err := exists(&corev1.ConfigMap{}, o.ns, o.name); ok || err != nil {
			t.Errorf("ConfigMap %s/%s of a refused app exists (%v)", o.ns, o.name, err)
		}
	}

	allowRepos(t, "team-deps", repo.URL(), chartRepo, shared.URL())
	waitSyncedHealthy(t, "deps-chart", sha)
	waitSyncedHealthy(t, "deps-remote", sha)
	if ok, err := exists(&corev1.ConfigMap{}, "deps-chart", "cache"); !ok {
		t.Errorf("the vendored dependency's ConfigMap is missing (%v)", err)
	}
}
