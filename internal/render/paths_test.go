package render_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// configMap is a ConfigMap manifest with one data key, as YAML.
func configMap(name, key, value string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  " + key + ": " + value + "\n"
}

// jsonnetCM is a Jsonnet ConfigMap whose data.value is the expression expr.
func jsonnetCM(name, expr string) string {
	return "{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: '" + name + "'}, data: {value: " + expr + "}}\n"
}

// A file names another file relative to itself, as the tool that reads it
// does: Jsonnet imports relative to the importing file, then the library
// paths, then the application directory; Helm value files and file
// parameters relative to the chart, or to the repository root when
// absolute; kustomize patches and components relative to the kustomization.
func TestPathsRelativeToTheNamingFile(t *testing.T) {
	chart := map[string]string{
		"charts/web/Chart.yaml":        chartYAML,
		"charts/web/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  value: {{ .Values.value | quote }}\n",
	}
	with := func(base map[string]string, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	jsonnetDir := func(libs ...string) *v1alpha1.ApplicationSourceDirectory {
		return &v1alpha1.ApplicationSourceDirectory{Recurse: true, Jsonnet: v1alpha1.ApplicationSourceJsonnet{Libs: libs}}
	}
	tests := []struct {
		name   string
		files  map[string]string
		links  map[string]string
		source v1alpha1.ApplicationSource
		refs   bool
		want   map[string]string // ConfigMap name → its data.value
	}{
		{
			name: "jsonnet import from the importing file's directory",
			files: map[string]string{
				"guestbook/guestbook-ui.jsonnet": "local params = import 'params.libsonnet';\n" + jsonnetCM("ui", "params.value"),
				"guestbook/params.libsonnet":     "{value: 'same directory'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "guestbook"},
			want:   map[string]string{"ui": "same directory"},
		},
		{
			name: "jsonnet importstr and importbin from the importing file's directory",
			files: map[string]string{
				"app/cm.jsonnet": jsonnetCM("cm", "(importstr 'banner.txt') + std.toString(std.length(importbin 'banner.txt'))"),
				"app/banner.txt": "hello",
			},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   map[string]string{"cm": "hello5"},
		},
		{
			name: "jsonnet file in a subdirectory imports relative to itself",
			files: map[string]string{
				"app/sub/cm.jsonnet":     "local a = import 'near.libsonnet'; local b = import '../far.libsonnet';\n" + jsonnetCM("cm", "a.v + b.v"),
				"app/sub/near.libsonnet": "{v: 'near,'}\n",
				"app/far.libsonnet":      "{v: 'far'}\n",
				"app/near.libsonnet":     "{v: 'wrong near,'}\n",
				"app/sub/far.libsonnet":  "{v: 'wrong far'}\n",
				"app/ignored.libsonnet":  "{}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir()},
			want:   map[string]string{"cm": "near,far"},
		},
		{
			name: "jsonnet library imports its sibling relative to itself",
			files: map[string]string{
				"app/cm.jsonnet":             "local lib = import 'lib.libsonnet';\n" + jsonnetCM("cm", "lib.v"),
				"vendor/k/lib.libsonnet":     "local h = import 'helpers.libsonnet'; {v: h.v}\n",
				"vendor/k/helpers.libsonnet": "{v: 'sibling'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir("vendor/k")},
			want:   map[string]string{"cm": "sibling"},
		},
		{
			name: "jsonnet importing file's directory wins over the libraries",
			files: map[string]string{
				"app/cm.jsonnet":       "local p = import 'params.libsonnet';\n" + jsonnetCM("cm", "p.v"),
				"app/params.libsonnet": "{v: 'local'}\n",
				"lib/params.libsonnet": "{v: 'library'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir("lib")},
			want:   map[string]string{"cm": "local"},
		},
		{
			name: "jsonnet libraries: the last one listed wins, as jsonnet -J",
			files: map[string]string{
				"app/cm.jsonnet":       "local p = import 'params.libsonnet';\n" + jsonnetCM("cm", "p.v"),
				"one/params.libsonnet": "{v: 'first'}\n",
				"two/params.libsonnet": "{v: 'second'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir("one", "two")},
			want:   map[string]string{"cm": "second"},
		},
		{
			name: "jsonnet application directory is searched after the libraries",
			files: map[string]string{
				"app/sub/cm.jsonnet":   "local p = import 'params.libsonnet';\n" + jsonnetCM("cm", "p.v"),
				"app/params.libsonnet": "{v: 'application directory'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir()},
			want:   map[string]string{"cm": "application directory"},
		},
		{
			name: "jsonnet absolute library path is relative to the repository root",
			files: map[string]string{
				"app/cm.jsonnet":               "local p = import 'params.libsonnet';\n" + jsonnetCM("cm", "p.v"),
				"jsonnet/lib/params.libsonnet": "{v: 'rooted'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: jsonnetDir("/jsonnet/lib")},
			want:   map[string]string{"cm": "rooted"},
		},
		{
			name: "jsonnet code in an extVar imports from the application directory",
			files: map[string]string{
				"app/cm.jsonnet":       jsonnetCM("cm", "std.extVar('p').v"),
				"app/params.libsonnet": "{v: 'from extVar code'}\n",
			},
			source: v1alpha1.ApplicationSource{Path: "app", Directory: &v1alpha1.ApplicationSourceDirectory{
				Jsonnet: v1alpha1.ApplicationSourceJsonnet{ExtVars: []v1alpha1.JsonnetVar{{Name: "p", Value: "import 'params.libsonnet'", Code: true}}}}},
			want: map[string]string{"cm": "from extVar code"},
		},
		{
			name: "jsonnet import through a symlink inside the repository",
			files: map[string]string{
				"app/cm.jsonnet":          "local p = import 'params.libsonnet';\n" + jsonnetCM("cm", "p.v"),
				"shared/params.libsonnet": "{v: 'linked'}\n",
			},
			links:  map[string]string{"app/params.libsonnet": "../shared/params.libsonnet"},
			source: v1alpha1.ApplicationSource{Path: "app"},
			want:   map[string]string{"cm": "linked"},
		},
		{
			name:  "helm value file relative to the chart",
			files: with(chart, map[string]string{"charts/web/values-prod.yaml": "value: chart-relative\n"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{"values-prod.yaml"}}},
			want: map[string]string{"web": "chart-relative"},
		},
		{
			name:  "helm value file climbing from the chart",
			files: with(chart, map[string]string{"envs/prod/web.yaml": "value: climbed\n"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{"../../envs/prod/web.yaml"}}},
			want: map[string]string{"web": "climbed"},
		},
		{
			name:  "helm absolute value file is relative to the repository root",
			files: with(chart, map[string]string{"envs/prod/web.yaml": "value: rooted\n"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{"/envs/prod/web.yaml"}}},
			want: map[string]string{"web": "rooted"},
		},
		{
			name:  "helm value file from another source",
			files: with(chart, map[string]string{"envs/prod/web.yaml": "value: referenced\n"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{"$values/envs/prod/web.yaml"}}},
			refs: true,
			want: map[string]string{"web": "referenced"},
		},
		{
			name:  "helm file parameter relative to the chart",
			files: with(chart, map[string]string{"charts/web/files/value.txt": "from a file"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				FileParameters: []v1alpha1.HelmFileParameter{{Name: "value", Path: "files/value.txt"}}}},
			want: map[string]string{"web": "from a file"},
		},
		{
			name:  "helm file parameter path with commas and braces",
			files: with(chart, map[string]string{"charts/web/files/{a,b}.txt": "odd name"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				FileParameters: []v1alpha1.HelmFileParameter{{Name: "value", Path: "files/{a,b}.txt"}}}},
			want: map[string]string{"web": "odd name"},
		},
		{
			name:  "helm absolute file parameter is relative to the repository root",
			files: with(chart, map[string]string{"files/value.txt": "from the root"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				FileParameters: []v1alpha1.HelmFileParameter{{Name: "value", Path: "/files/value.txt"}}}},
			want: map[string]string{"web": "from the root"},
		},
		{
			name:  "helm file parameter from another source",
			files: with(chart, map[string]string{"files/value.txt": "referenced file"}),
			source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
				FileParameters: []v1alpha1.HelmFileParameter{{Name: "value", Path: "$values/files/value.txt"}}}},
			refs: true,
			want: map[string]string{"web": "referenced file"},
		},
		{
			name: "kustomize patch and component named by the application, relative to the kustomization",
			files: map[string]string{
				"base/kustomization.yaml":             "resources:\n- cm.yaml\n",
				"base/cm.yaml":                        configMap("cm", "value", "base"),
				"overlay/kustomization.yaml":          "resources:\n- ../base\n",
				"overlay/patches/value.yaml":          configMap("cm", "value", "patched"),
				"components/extra/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- extra.yaml\n",
				"components/extra/extra.yaml":         configMap("extra", "value", "component"),
			},
			source: v1alpha1.ApplicationSource{Path: "overlay", Kustomize: &v1alpha1.ApplicationSourceKustomize{
				Patches:    v1alpha1.KustomizePatches{{Path: "patches/value.yaml"}},
				Components: []string{"../components/extra"},
			}},
			want: map[string]string{"cm": "patched", "extra": "component"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := badRepo(t, tt.files, tt.links)
			req := render.Request{AppName: "paths", Namespace: "web", Source: tt.source, Repo: tree}
			if tt.refs {
				req.Refs = map[string]fs.FS{"values": tree}
			}
			res, err := render.Render(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			for cm, want := range tt.want {
				if got := nested(t, res.Objects, "ConfigMap", cm, "data", "value"); got != want {
					t.Errorf("ConfigMap %s: value = %q, want %q", cm, got, want)
				}
			}
		})
	}
}

// A value file that cannot be read names the file as written and as
// resolved; a $ref that names no source lists the refs there are.
func TestValueFileErrors(t *testing.T) {
	tree := badRepo(t, map[string]string{"charts/web/Chart.yaml": chartYAML}, nil)
	tests := []struct {
		name string
		helm v1alpha1.ApplicationSourceHelm
		refs bool
		want []string
	}{
		{
			name: "expanded value file not found",
			helm: v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"values-$ARGOCD_APP_NAME.yaml"}},
			want: []string{`helm values file "values-$ARGOCD_APP_NAME.yaml"`, "charts/web/values-paths.yaml", "not found"},
		},
		{
			name: "expanded file parameter not found",
			helm: v1alpha1.ApplicationSourceHelm{FileParameters: []v1alpha1.HelmFileParameter{{Name: "v", Path: "$ARGOCD_APP_NAME.txt"}}},
			want: []string{`helm file parameter "v"`, `"$ARGOCD_APP_NAME.txt"`, "charts/web/paths.txt"},
		},
		{
			name: "unknown ref",
			helm: v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"$vals/envs/prod.yaml"}},
			refs: true,
			want: []string{`helm values file "$vals/envs/prod.yaml"`, `no source with ref "vals" (refs: values)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := render.Request{AppName: "paths", Repo: tree,
				Source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &tt.helm}}
			if tt.refs {
				req.Refs = map[string]fs.FS{"values": tree}
			}
			_, err := render.Render(context.Background(), req)
			if err == nil {
				t.Fatal("render succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}
