package render_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// monorepo commits n apps: even ones Helm charts with a values file per
// app under envs/, odd ones plain directories.
func monorepo(t testing.TB, n int) *gittest.Repo {
	t.Helper()
	src := gittest.New(t)
	files := map[string]string{
		"charts/svc/Chart.yaml":        "apiVersion: v2\nname: svc\nversion: 0.1.0\n",
		"charts/svc/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
		"charts/svc/values.yaml":       "replicas: 1\n",
		"README.md":                    "monorepo\n",
	}
	for i := range n {
		if i%2 == 0 {
			files[fmt.Sprintf("envs/app-%d/values.yaml", i)] = "replicas: 2\n"
		} else {
			files[fmt.Sprintf("apps/app-%d/cm.yaml", i)] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-%d\n", i)
		}
	}
	src.Commit("apps", files)
	return src
}

func appSource(i int) v1alpha1.ApplicationSource {
	if i%2 == 0 {
		return v1alpha1.ApplicationSource{Path: "charts/svc", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{fmt.Sprintf("../../envs/app-%d/values.yaml", i)}}}
	}
	return v1alpha1.ApplicationSource{Path: fmt.Sprintf("apps/app-%d", i)}
}

func renderAll(t *testing.T, c *render.Cache, repo *git.Repo, n int) {
	t.Helper()
	sha, err := repo.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.FS(sha)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		res, err := c.Render(context.Background(), render.Request{
			AppName: fmt.Sprintf("app-%d", i), Namespace: "apps", Source: appSource(i), Repo: tree,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Objects) != 1 {
			t.Fatalf("app-%d rendered %d objects", i, len(res.Objects))
		}
	}
}

// Given a monorepo of apps rendered once, a resync renders nothing, a commit
// outside every app's inputs renders nothing, and a commit to one app's
// values file renders that app only, with the new value.
func TestCacheRendersOnlyChangedInputs(t *testing.T) {
	const n = 20
	src := monorepo(t, n)
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	repo, _ := gc.Repo(src.URL())
	c := render.NewCache(0)

	step := func(name string, wantRenders int64) {
		t.Helper()
		before := c.Stats().Renders
		renderAll(t, c, repo, n)
		if got := c.Stats().Renders - before; got != wantRenders {
			t.Errorf("%s: %d renders, want %d", name, got, wantRenders)
		}
	}
	step("cold", n)
	step("warm", 0)
	src.Commit("docs", map[string]string{"README.md": "changed\n", "docs/new.md": "new\n"})
	step("unrelated commit", 0)
	src.Commit("scale app-4", map[string]string{"envs/app-4/values.yaml": "replicas: 7\n"})
	step("commit to one values file", 1)
	src.Commit("change the shared chart", map[string]string{"charts/svc/values.yaml": "replicas: 3\n"})
	step("commit to the shared chart", n/2)

	sha, _ := repo.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
	tree, _ := repo.FS(sha)
	res, err := c.Render(context.Background(), render.Request{AppName: "app-4", Namespace: "apps", Source: appSource(4), Repo: tree})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Objects[0].Object["data"].(map[string]any)["replicas"]; got != "7" {
		t.Errorf("app-4 replicas = %v, want 7 (stale cache)", got)
	}
}

// A render is keyed by the build variables it expands: a commit elsewhere
// re-renders the app that uses ARGOCD_APP_REVISION, with the new revision,
// and still serves the app that does not from the cache.
func TestCacheKeysByExpandedBuildVariables(t *testing.T) {
	src := gittest.New(t)
	src.Commit("apps", map[string]string{
		"charts/svc/Chart.yaml":        "apiVersion: v2\nname: svc\nversion: 0.1.0\n",
		"charts/svc/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  value: {{ .Values.value | quote }}\n",
		"README.md":                    "monorepo\n",
	})
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	repo, _ := gc.Repo(src.URL())
	c := render.NewCache(0)
	values := map[string]string{"stamped": "$ARGOCD_APP_REVISION", "plain": "$ARGOCD_APP_NAME"}
	renderBoth := func(name string, wantRenders int64) {
		t.Helper()
		sha, err := repo.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
		if err != nil {
			t.Fatal(err)
		}
		tree, err := repo.FS(sha)
		if err != nil {
			t.Fatal(err)
		}
		before := c.Stats().Renders
		for _, app := range []string{"stamped", "plain"} {
			res, err := c.Render(context.Background(), render.Request{
				AppName: app, Namespace: "apps", Repo: tree, Revision: sha,
				Source: v1alpha1.ApplicationSource{Path: "charts/svc", Helm: &v1alpha1.ApplicationSourceHelm{
					Parameters: []v1alpha1.HelmParameter{{Name: "value", Value: values[app]}}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"stamped": sha, "plain": "plain"}[app]
			if got := nested(t, res.Objects, "ConfigMap", app, "data", "value"); got != want {
				t.Errorf("%s: %s value = %q, want %q (stale cache)", name, app, got, want)
			}
		}
		if got := c.Stats().Renders - before; got != wantRenders {
			t.Errorf("%s: %d renders, want %d", name, got, wantRenders)
		}
	}
	renderBoth("cold", 2)
	renderBoth("warm", 0)
	src.Commit("docs", map[string]string{"README.md": "changed\n"})
	renderBoth("unrelated commit", 1)
	renderBoth("warm again", 0)
}

// A cached render reports the dependencies the render found, every time:
// the project checks them on every reconcile, not only the first.
func TestCacheKeepsDependencies(t *testing.T) {
	src := gittest.New(t)
	src.Commit("chart", map[string]string{
		"chart/Chart.yaml":              "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n- {name: cache, version: 2.0.0, repository: https://charts.example.net}\n",
		"chart/templates/cm.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
		"chart/charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 2.0.0\n",
	})
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	repo, _ := gc.Repo(src.URL())
	sha, err := repo.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
	if err != nil {
		t.Fatal(err)
	}
	tree, _ := repo.FS(sha)
	c := render.NewCache(0)
	for i := range 2 {
		res, err := c.Render(context.Background(), render.Request{AppName: "web", Namespace: "web",
			Source: v1alpha1.ApplicationSource{Path: "chart"}, Repo: tree})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Dependencies) != 1 || res.Dependencies[0].RepoURL != "https://charts.example.net" {
			t.Errorf("render %d: dependencies %+v", i+1, res.Dependencies)
		}
	}
	if got := c.Stats().Renders; got != 1 {
		t.Errorf("%d renders, want 1 (the second from the cache)", got)
	}
}
