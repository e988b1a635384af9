package render_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// linkedRepo commits files and symlinks (name → target) to a real Git
// repository and returns its tree and its work tree as a local directory
// (as tiphys app manifests --repo-path reads one).
func linkedRepo(t *testing.T, files, links map[string]string) (tree, local fs.FS) {
	t.Helper()
	src := gittest.New(t)
	src.Write(files)
	src.Symlink(links)
	sha := src.Commit("links", nil)
	root, err := os.OpenRoot(src.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return src.Tree(sha), root.FS()
}

// names are the sorted names of the ConfigMaps of a render.
func names(res *render.Result) string {
	var out []string
	for _, o := range res.Objects {
		if o.GetKind() == "ConfigMap" {
			out = append(out, o.GetName())
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Symlinked directories are treated as Argo CD treats them: a directory
// app does not follow them (Argo CD walks with filepath.Walk), recurse or
// not; a chart follows them (helm's loader does); kustomize follows them.
// One that points outside the repository is refused, naming the link.
func TestSymlinkedDirectories(t *testing.T) {
	chart := map[string]string{
		"charts/web/Chart.yaml":                chartYAML + "dependencies:\n- name: common\n  version: 0.1.0\n",
		"charts/web/templates/cm.yaml":         configMap("web", "value", "chart"),
		"libs/common/Chart.yaml":               "apiVersion: v2\nname: common\nversion: 0.1.0\n",
		"libs/common/templates/cm.yaml":        configMap("common", "value", "subchart"),
		"shared-templates/cm.yaml":             configMap("shared-template", "value", "linked"),
		"apps/guestbook/cm.yaml":               configMap("own", "value", "own"),
		"apps/guestbook/sub/cm.yaml":           configMap("sub", "value", "sub"),
		"shared/cm.yaml":                       configMap("shared", "value", "shared"),
		"kustomize/base/kustomization.yaml":    "resources:\n- cm.yaml\n",
		"kustomize/base/cm.yaml":               configMap("base", "value", "base"),
		"kustomize/overlay/kustomization.yaml": "resources:\n- base\n",
	}
	tests := []struct {
		name    string
		links   map[string]string
		source  v1alpha1.ApplicationSource
		want    string   // ConfigMap names
		wantErr []string // substrings of the error
		is      error    // the error's cause, with a TreeFS
	}{
		{
			name:   "directory app does not follow a symlinked directory inside the repository",
			links:  map[string]string{"apps/guestbook/linked": "../../shared", "apps/guestbook/linked.yaml": "../../shared"},
			source: v1alpha1.ApplicationSource{Path: "apps/guestbook", Directory: &v1alpha1.ApplicationSourceDirectory{Recurse: true}},
			want:   "own sub",
		},
		{
			name:   "directory app reads a symlinked file and skips a dangling link",
			links:  map[string]string{"apps/guestbook/shared.yaml": "../../shared/cm.yaml", "apps/guestbook/gone.yaml": "missing.yaml"},
			source: v1alpha1.ApplicationSource{Path: "apps/guestbook"},
			want:   "own shared",
		},
		{
			name:    "directory app with recurse refuses a symlinked directory outside",
			links:   map[string]string{"apps/guestbook/sub/linked": "../../../../outside"},
			source:  v1alpha1.ApplicationSource{Path: "apps/guestbook", Directory: &v1alpha1.ApplicationSourceDirectory{Recurse: true}},
			wantErr: []string{`apps/guestbook/sub/linked`, `application path "apps/guestbook"`}, is: git.ErrEscapes,
		},
		{
			name:    "directory app refuses an absolute symlinked directory",
			links:   map[string]string{"apps/guestbook/etc": "/etc"},
			source:  v1alpha1.ApplicationSource{Path: "apps/guestbook", Directory: &v1alpha1.ApplicationSourceDirectory{Recurse: true}},
			wantErr: []string{`apps/guestbook/etc`, `application path "apps/guestbook"`}, is: git.ErrEscapes,
		},
		{
			name:    "directory app without recurse refuses a symlinked directory outside",
			links:   map[string]string{"apps/guestbook/linked": "../../../outside"},
			source:  v1alpha1.ApplicationSource{Path: "apps/guestbook"},
			wantErr: []string{`apps/guestbook/linked`, `application path "apps/guestbook"`}, is: git.ErrEscapes,
		},
		{
			name:   "chart follows a symlinked subchart and templates directory",
			links:  map[string]string{"charts/web/charts/common": "../../../libs/common", "charts/web/templates/shared": "../../../shared-templates"},
			source: v1alpha1.ApplicationSource{Path: "charts/web"},
			want:   "common shared-template web",
		},
		{
			name:    "chart refuses a symlinked directory outside",
			links:   map[string]string{"charts/web/charts/common": "../../../../outside"},
			source:  v1alpha1.ApplicationSource{Path: "charts/web"},
			wantErr: []string{"charts/web/charts/common"}, is: git.ErrEscapes,
		},
		{
			name:    "chart refuses a symlinked directory that loops",
			links:   map[string]string{"charts/web/charts/common": "../../../libs/common", "charts/web/templates/loop": "."},
			source:  v1alpha1.ApplicationSource{Path: "charts/web"},
			wantErr: []string{"charts/web/templates/loop/loop", "symlink"},
		},
		{
			name:   "kustomize follows a symlinked base",
			links:  map[string]string{"kustomize/overlay/base": "../base"},
			source: v1alpha1.ApplicationSource{Path: "kustomize/overlay"},
			want:   "base",
		},
		{
			name:    "kustomize refuses a symlinked base outside",
			links:   map[string]string{"kustomize/overlay/base": "../../../outside"},
			source:  v1alpha1.ApplicationSource{Path: "kustomize/overlay"},
			wantErr: []string{`kustomize`, `kustomize/overlay/base`}, is: git.ErrEscapes,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, local := linkedRepo(t, chart, tt.links)
			for _, repo := range []struct {
				name string
				fsys fs.FS
			}{{"git", tree}, {"local", local}} {
				res, err := render.Render(context.Background(), render.Request{AppName: "links", Namespace: "web", Source: tt.source, Repo: repo.fsys})
				if tt.wantErr == nil {
					if err != nil {
						t.Fatalf("%s: %v", repo.name, err)
					}
					if got := names(res); got != tt.want {
						t.Errorf("%s: ConfigMaps %q, want %q", repo.name, got, tt.want)
					}
					continue
				}
				if err == nil {
					t.Fatalf("%s: render succeeded: %s", repo.name, names(res))
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error does not mention %q:\n%v", repo.name, w, err)
					}
				}
				if tt.is != nil && repo.name == "git" && !errors.Is(err, tt.is) {
					t.Errorf("%s: error is not %v: %v", repo.name, tt.is, err)
				}
			}
		})
	}
}
