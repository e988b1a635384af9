package render_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// A kustomization whose base lives in another Git repository (at a tag)
// renders through the shared Git cache, without kustomize cloning anything.
func TestKustomizeRemoteBase(t *testing.T) {
	shared := gittest.New(t)
	shared.Commit("base v1", map[string]string{
		"bases/web/kustomization.yaml": "resources:\n- cm.yaml\n",
		"bases/web/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  version: v1\n",
	})
	shared.Git("tag", "v1")
	shared.Commit("base v2", map[string]string{"bases/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  version: v2\n"})

	app := gittest.New(t)
	sha := app.Commit("overlay", map[string]string{
		"overlay/kustomization.yaml": "resources:\n- " + shared.URL() + "//bases/web?ref=v1\nnamePrefix: prod-\n",
	})
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	open := func(ctx context.Context, url, rev string) (fs.FS, error) {
		r, err := gc.Repo(url)
		if err != nil {
			return nil, err
		}
		s, err := r.Resolve(ctx, rev, git.Credentials{}, git.FetchOptions{})
		if err != nil {
			return nil, err
		}
		return r.FS(s)
	}
	repo, err := open(context.Background(), app.URL(), sha)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(context.Background(), render.Request{
		AppName: "web", Namespace: "web", Repo: repo, Remote: open,
		Source: v1alpha1.ApplicationSource{Path: "overlay"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objects) != 1 || res.Objects[0].GetName() != "prod-shared" {
		t.Fatalf("objects = %v", res.Objects)
	}
	if d := res.Dependencies; len(d) != 1 || d[0].Kind != render.DependencyKustomize || d[0].RepoURL != shared.URL() ||
		d[0].File != "overlay/kustomization.yaml" {
		t.Errorf("dependencies = %+v, want the remote base's repository named by overlay/kustomization.yaml", d)
	}
	if v := res.Objects[0].Object["data"].(map[string]any)["version"]; v != "v1" {
		t.Errorf("version = %v, want v1 (the tag)", v)
	}

	_, err = render.Render(context.Background(), render.Request{
		AppName: "web", Namespace: "web", Repo: repo, Source: v1alpha1.ApplicationSource{Path: "overlay"},
	})
	if err == nil || !strings.Contains(err.Error(), "remote kustomize base") {
		t.Errorf("without Git access: err = %v", err)
	}
}
