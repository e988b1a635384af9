package render_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// badRepo commits files (and symlinks, name → target) and returns the tree.
func badRepo(t *testing.T, files map[string]string, links map[string]string) *git.TreeFS {
	t.Helper()
	src := gittest.New(t)
	src.Write(files)
	src.Symlink(links)
	return src.Tree(src.Commit("bad input", nil))
}

const chartYAML = "apiVersion: v2\nname: app\nversion: 0.1.0\n"
const cmYAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n"

// Every bad input fails the whole render with an error that names the
// application, the file and the cause; nothing is returned partially.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		links  map[string]string
		source v1alpha1.ApplicationSource
		limits render.Limits
		want   []string // substrings of the error
		is     error
	}{
		{
			name:   "path escapes the repository",
			files:  map[string]string{"app/cm.yaml": cmYAML},
			source: v1alpha1.ApplicationSource{Path: "app/../../outside"},
			want:   []string{`"guestbook"`, "app/../../outside"}, is: render.ErrEscapes,
		},
		{
			name:   "absolute path",
			files:  map[string]string{"app/cm.yaml": cmYAML},
			source: v1alpha1.ApplicationSource{Path: "/etc"},
			want:   []string{"/etc", "absolute"}, is: render.ErrEscapes,
		},
		{
			name:   "value file escapes the repository",
			files:  map[string]string{"chart/Chart.yaml": chartYAML},
			source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"../../../etc/passwd"}}},
			want:   []string{"../../../etc/passwd"}, is: render.ErrEscapes,
		},
		{
			name:   "symlink pointing outside",
			files:  map[string]string{"app/cm.yaml": cmYAML},
			links:  map[string]string{"app/secret.yaml": "../../../../etc/shadow"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/secret.yaml", "symlink"}, is: git.ErrEscapes,
		},
		{
			name:   "kustomize base escapes the repository",
			files:  map[string]string{"k/kustomization.yaml": "resources:\n- ../../../../outside\n"},
			source: v1alpha1.ApplicationSource{Path: "k"},
			want:   []string{"kustomize", "outside"}, is: render.ErrEscapes,
		},
		{
			name:   "jsonnet import not found",
			files:  map[string]string{"app/cm.jsonnet": "import 'missing.libsonnet'\n"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/cm.jsonnet", `import "missing.libsonnet"`, "not found in app"},
		},
		{
			name:   "jsonnet import escapes the repository",
			files:  map[string]string{"app/cm.jsonnet": "importstr '../../../etc/passwd'\n"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/cm.jsonnet", `import "../../../etc/passwd"`}, is: render.ErrEscapes,
		},
		{
			name:   "jsonnet absolute import",
			files:  map[string]string{"app/cm.jsonnet": "importstr '/etc/passwd'\n"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/cm.jsonnet", `import "/etc/passwd"`, "absolute"}, is: render.ErrEscapes,
		},
		{
			name:   "jsonnet import through a symlink pointing outside",
			files:  map[string]string{"app/cm.jsonnet": "importstr 'evil.txt'\n"},
			links:  map[string]string{"app/evil.txt": "../../../../etc/passwd"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/cm.jsonnet", `import "evil.txt"`, "app/evil.txt", "symlink"}, is: git.ErrEscapes,
		},
		{
			name:  "jsonnet library path escapes the repository",
			files: map[string]string{"app/cm.jsonnet": "{}\n"},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: &v1alpha1.ApplicationSourceDirectory{
				Jsonnet: v1alpha1.ApplicationSourceJsonnet{Libs: []string{"../vendor"}}}},
			want: []string{"app/cm.jsonnet", `jsonnet lib "../vendor"`}, is: render.ErrEscapes,
		},
		{
			name:   "absolute value file escapes the repository",
			files:  map[string]string{"chart/Chart.yaml": chartYAML},
			source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"/../etc/passwd"}}},
			want:   []string{`"/../etc/passwd"`}, is: render.ErrEscapes,
		},
		{
			name:   "malformed YAML",
			files:  map[string]string{"app/cm.yaml": cmYAML, "app/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   []string{"app/broken.yaml", "parse YAML"},
		},
		{
			name:   "missing value file",
			files:  map[string]string{"chart/Chart.yaml": chartYAML},
			source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"values-prod.yaml"}}},
			want:   []string{`"values-prod.yaml"`, "not found"},
		},
		{
			name: "helm template error",
			files: map[string]string{"chart/Chart.yaml": chartYAML,
				"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required \"name is required\" .Values.name }}\n"},
			source: v1alpha1.ApplicationSource{Path: "chart"},
			want:   []string{"helm template", "templates/cm.yaml", "name is required"},
		},
		{
			name:  "value file glob",
			files: map[string]string{"chart/Chart.yaml": chartYAML, "chart/values-a.yaml": "a: 1\n"},
			source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{"values-*.yaml"}, IgnoreMissingValueFiles: true}},
			want: []string{`"values-*.yaml"`, "glob patterns are not supported yet"},
		},
		{
			name:   "bad helm value",
			files:  map[string]string{"chart/Chart.yaml": chartYAML, "chart/values-bad.yaml": "replicas: [1\n"},
			source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"values-bad.yaml"}}},
			want:   []string{`"values-bad.yaml"`},
		},
		{
			name:   "kustomize error",
			files:  map[string]string{"k/kustomization.yaml": "resources:\n- missing.yaml\n"},
			source: v1alpha1.ApplicationSource{Path: "k"},
			want:   []string{"kustomize build", "missing.yaml"},
		},
		{
			name:   "file over the size limit",
			files:  map[string]string{"app/big.yaml": cmYAML + "data:\n  blob: " + strings.Repeat("x", 4096) + "\n"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			limits: render.Limits{MaxFileSize: 1024},
			want:   []string{"app/big.yaml", "over the limit"},
		},
		{
			name:   "render over the size limit",
			files:  map[string]string{"app/a.yaml": cmYAML, "app/b.yaml": strings.Replace(cmYAML, "ok", "ok2", 1)},
			source: v1alpha1.ApplicationSource{Path: "app"},
			limits: render.Limits{MaxOutputSize: 200},
			want:   []string{"rendered manifests exceed 200 bytes"},
		},
		{
			name: "helm render that runs too long",
			files: map[string]string{"chart/Chart.yaml": chartYAML,
				"chart/templates/slow.yaml": "{{- range $i := until 20000 }}{{- range $j := until 20000 }}{{- end }}{{- end }}\n"},
			source: v1alpha1.ApplicationSource{Path: "chart"},
			limits: render.Limits{Timeout: 200 * time.Millisecond},
			want:   []string{"helm template", "deadline exceeded"}, is: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := badRepo(t, tt.files, tt.links)
			res, err := render.Render(context.Background(), render.Request{
				AppName: "guestbook", Namespace: "web", Source: tt.source, Repo: tree, Limits: tt.limits,
			})
			if err == nil {
				t.Fatalf("render succeeded with %d objects", len(res.Objects))
			}
			if res != nil {
				t.Errorf("a failed render returned objects")
			}
			var rerr *render.Error
			if !errors.As(err, &rerr) || rerr.App != "guestbook" {
				t.Errorf("error is not a render.Error for the app: %T %v", err, err)
			}
			for _, w := range append([]string{`render application "guestbook"`}, tt.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error is not %v: %v", tt.is, err)
			}
		})
	}
}
