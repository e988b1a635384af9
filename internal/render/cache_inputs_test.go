package render_test

import (
	"context"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// cachedRenders renders applications as the controller does on each
// reconcile: sources opened through one Git cache (refreshed, as after a
// push), rendered through one render cache.
type cachedRenders struct {
	t      *testing.T
	cache  *render.Cache
	opener *source.Opener
}

func newCachedRenders(t *testing.T) *cachedRenders {
	t.Helper()
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return &cachedRenders{t: t, cache: render.NewCache(0), opener: &source.Opener{Git: gc, Refresh: true}}
}

// render renders an app and returns its objects' data.value by name and
// how many renders ran (0 when the cache answered).
func (c *cachedRenders) render(name string, spec v1alpha1.ApplicationSpec) (map[string]string, int64) {
	c.t.Helper()
	before := c.cache.Stats().Renders
	res, err := render.RenderApp(context.Background(), render.AppRequest{
		AppName: name, Spec: spec, Open: c.opener.Source, Remote: c.opener.Remote, Render: c.cache.Render,
	})
	if err != nil {
		c.t.Fatal(err)
	}
	values := map[string]string{}
	for _, o := range res.Objects {
		values[o.GetName()] = nested(c.t, res.Objects, o.GetKind(), o.GetName(), "data", "value")
	}
	return values, c.cache.Stats().Renders - before
}

// Given a directory app rendered once, each commit that changes what it
// read renders it again, with the new content: a file in its directory, a
// new file there, a file it reads through a symlink; a commit to a
// subdirectory it does not read (no recurse) or elsewhere renders nothing.
func TestCacheRendersAgainWhenAReadPathChanges(t *testing.T) {
	src := gittest.New(t)
	src.Write(map[string]string{
		"apps/web/cm.yaml":          configMap("web", "value", "v1"),
		"apps/web/extra/other.yaml": configMap("other", "value", "v1"),
		"shared/cm.yaml":            configMap("shared", "value", "v1"),
	})
	src.Symlink(map[string]string{"apps/web/shared.yaml": "../../shared/cm.yaml"})
	src.Commit("app", nil)
	c := newCachedRenders(t)
	spec := v1alpha1.ApplicationSpec{Destination: v1alpha1.ApplicationDestination{Namespace: "web"},
		Source: &v1alpha1.ApplicationSource{RepoURL: src.URL(), Path: "apps/web", TargetRevision: "main"}}
	if got, n := c.render("web", spec); n != 1 || got["web"] != "v1" || got["shared"] != "v1" {
		t.Fatalf("cold: %v after %d renders", got, n)
	}
	steps := []struct {
		name        string
		files       map[string]string
		wantRenders int64
		want        map[string]string
	}{
		{"unrelated commit", map[string]string{"README.md": "docs\n"}, 0, map[string]string{"web": "v1", "shared": "v1"}},
		{"subdirectory not read", map[string]string{"apps/web/extra/other.yaml": configMap("other", "value", "v2")}, 0, map[string]string{"web": "v1", "shared": "v1"}},
		{"file in the app directory", map[string]string{"apps/web/cm.yaml": configMap("web", "value", "v2")}, 1, map[string]string{"web": "v2", "shared": "v1"}},
		{"new file in the app directory", map[string]string{"apps/web/more.yaml": configMap("more", "value", "v1")}, 1, map[string]string{"web": "v2", "shared": "v1", "more": "v1"}},
		{"file read through a symlink", map[string]string{"shared/cm.yaml": configMap("shared", "value", "v2")}, 1, map[string]string{"web": "v2", "shared": "v2", "more": "v1"}},
		{"resync", nil, 0, map[string]string{"web": "v2", "shared": "v2", "more": "v1"}},
	}
	for _, s := range steps {
		if s.files != nil {
			src.Commit(s.name, s.files)
		}
		got, n := c.render("web", spec)
		if n != s.wantRenders {
			t.Errorf("%s: %d renders, want %d", s.name, n, s.wantRenders)
		}
		if len(got) != len(s.want) {
			t.Errorf("%s: objects %v, want %v", s.name, got, s.want)
		}
		for name, v := range s.want {
			if got[name] != v {
				t.Errorf("%s: %s = %q, want %q (stale cache)", s.name, name, got[name], v)
			}
		}
	}
}

// Given a Helm chart whose values file comes from another repository
// through $values, a commit to that file renders the app again with the new
// value; a commit elsewhere in that repository renders nothing.
func TestCacheRendersAgainWhenARefValuesFileChanges(t *testing.T) {
	charts := gittest.New(t)
	charts.Commit("chart", map[string]string{
		"charts/web/Chart.yaml":        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/templates/cm.yaml": configMap("{{ .Release.Name }}", "value", "{{ .Values.value | quote }}"),
	})
	values := gittest.New(t)
	values.Commit("values", map[string]string{"envs/prod/values.yaml": "value: v1\n"})
	c := newCachedRenders(t)
	spec := v1alpha1.ApplicationSpec{Destination: v1alpha1.ApplicationDestination{Namespace: "web"},
		Sources: v1alpha1.ApplicationSources{
			{RepoURL: charts.URL(), Path: "charts/web", TargetRevision: "main",
				Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"$values/envs/prod/values.yaml"}}},
			{RepoURL: values.URL(), TargetRevision: "main", Ref: "values"},
		}}
	if got, n := c.render("web", spec); n != 1 || got["web"] != "v1" {
		t.Fatalf("cold: %v after %d renders", got, n)
	}
	values.Commit("staging", map[string]string{"envs/staging/values.yaml": "value: s1\n"})
	if got, n := c.render("web", spec); n != 0 || got["web"] != "v1" {
		t.Errorf("after a commit to another values file: %v after %d renders, want v1 from the cache", got, n)
	}
	values.Commit("prod", map[string]string{"envs/prod/values.yaml": "value: v2\n"})
	if got, n := c.render("web", spec); n != 1 || got["web"] != "v2" {
		t.Errorf("after a commit to the values file: %v after %d renders, want v2 after 1", got, n)
	}
}

// Given a kustomization with a remote base at a branch, a commit to the
// base's repository shows in the next render: a render that read another
// repository is never served from the cache.
func TestCacheRendersAgainWhenARemoteBaseChanges(t *testing.T) {
	base := gittest.New(t)
	base.Commit("base", map[string]string{
		"bases/web/kustomization.yaml": "resources:\n- cm.yaml\n",
		"bases/web/cm.yaml":            configMap("web", "value", "v1"),
	})
	overlay := gittest.New(t)
	overlay.Commit("overlay", map[string]string{
		"overlay/kustomization.yaml": "resources:\n- " + base.URL() + "//bases/web?ref=main\nnamePrefix: prod-\n",
	})
	c := newCachedRenders(t)
	spec := v1alpha1.ApplicationSpec{Destination: v1alpha1.ApplicationDestination{Namespace: "web"},
		Source: &v1alpha1.ApplicationSource{RepoURL: overlay.URL(), Path: "overlay", TargetRevision: "main"}}
	if got, _ := c.render("web", spec); got["prod-web"] != "v1" {
		t.Fatalf("cold: %v", got)
	}
	base.Commit("v2", map[string]string{"bases/web/cm.yaml": configMap("web", "value", "v2")})
	if got, _ := c.render("web", spec); got["prod-web"] != "v2" {
		t.Errorf("after a commit to the remote base: %v, want v2 (stale cache)", got)
	}
}

// A build variable that is not part of a render's request identity (the
// project) keys the render when the render expands it, and only then.
func TestCacheKeysByProjectWhenExpanded(t *testing.T) {
	src := gittest.New(t)
	src.Commit("chart", map[string]string{
		"charts/web/Chart.yaml":        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/templates/cm.yaml": configMap("{{ .Release.Name }}", "value", "{{ .Values.value | quote }}"),
	})
	c := newCachedRenders(t)
	spec := func(project, value string) v1alpha1.ApplicationSpec {
		return v1alpha1.ApplicationSpec{Project: project, Destination: v1alpha1.ApplicationDestination{Namespace: "web"},
			Source: &v1alpha1.ApplicationSource{RepoURL: src.URL(), Path: "charts/web", TargetRevision: "main",
				Helm: &v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{{Name: "value", Value: value}}}}}
	}
	for _, step := range []struct {
		app, project, value, want string
		wantRenders               int64
	}{
		{"stamped", "shop", "$ARGOCD_APP_PROJECT_NAME", "shop", 1},
		{"stamped", "shop", "$ARGOCD_APP_PROJECT_NAME", "shop", 0},
		{"stamped", "billing", "$ARGOCD_APP_PROJECT_NAME", "billing", 1},
		{"plain", "shop", "fixed", "fixed", 1},
		{"plain", "billing", "fixed", "fixed", 0},
	} {
		got, n := c.render(step.app, spec(step.project, step.value))
		if got[step.app] != step.want || n != step.wantRenders {
			t.Errorf("%s in project %s: value %q after %d renders, want %q after %d",
				step.app, step.project, got[step.app], n, step.want, step.wantRenders)
		}
	}
}
