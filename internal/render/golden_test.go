package render_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtureTree commits testdata/repo to a real Git repository and returns
// its tree at that commit, read through the Git cache as the controller reads it.
func fixtureTree(t *testing.T) *git.TreeFS {
	t.Helper()
	src := gittest.New(t)
	src.CopyDir("testdata/repo")
	return src.Tree(src.Commit("fixtures", nil))
}

func TestGolden(t *testing.T) {
	tree := fixtureTree(t)
	tests := []struct {
		name   string
		source v1alpha1.ApplicationSource
		refs   bool
	}{
		{name: "directory", source: v1alpha1.ApplicationSource{Path: "apps/dir", Directory: &v1alpha1.ApplicationSourceDirectory{
			Recurse: true, Include: "*.{yaml,json}", Exclude: "{sub/skip.json,*-ignored.yaml}"}}},
		{name: "directory-flat", source: v1alpha1.ApplicationSource{Path: "apps/dir"}},
		{name: "helm-staging", source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"../../envs/staging/web.yaml"},
			Parameters: []v1alpha1.HelmParameter{{Name: "image.tag", Value: "2.2.0"}, {Name: "build", Value: "1234", ForceString: true}},
			SkipTests:  true,
		}}},
		{name: "helm-prod", source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
			ReleaseName: "shop-web",
			ValueFiles:  []string{"../../envs/prod/web.yaml", "missing.yaml"}, IgnoreMissingValueFiles: true,
			ValuesObject: &runtime.RawExtension{Raw: []byte(`{"service":{"port":8080}}`)},
			Values:       "service:\n  port: 9999\n",
		}}},
		{name: "kustomize-staging", source: v1alpha1.ApplicationSource{Path: "kustomize/overlays/staging"}},
		{name: "kustomize-prod", source: v1alpha1.ApplicationSource{Path: "kustomize/overlays/prod", Kustomize: &v1alpha1.ApplicationSourceKustomize{
			Images:       v1alpha1.KustomizeImages{"registry.example.com/orders:1.0.4"},
			CommonLabels: map[string]string{"team": "orders"},
			NameSuffix:   "-v1",
		}}},
		{name: "multi-source-values", refs: true, source: v1alpha1.ApplicationSource{Path: "charts/web", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"$values/envs/prod/web.yaml"}, SkipCrds: true, SkipTests: true,
		}}},
		{name: "jsonnet", source: v1alpha1.ApplicationSource{Path: "jsonnet/app", Directory: &v1alpha1.ApplicationSourceDirectory{
			Jsonnet: v1alpha1.ApplicationSourceJsonnet{
				ExtVars: []v1alpha1.JsonnetVar{{Name: "env", Value: "prod"}, {Name: "tag", Value: "3.0.0"}},
				TLAs:    []v1alpha1.JsonnetVar{{Name: "replicas", Value: "3", Code: true}},
				Libs:    []string{"jsonnet/lib"},
			}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := render.Request{
				AppName: "shop", Namespace: "shop", Source: tt.source, Repo: tree,
				KubeVersion: "1.37.2", APIVersions: []string{"apps/v1", "networking.k8s.io/v1"},
			}
			if tt.refs {
				req.Refs = map[string]fs.FS{"values": tree}
			}
			res, err := render.Render(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			tsync.Order(res.Objects)
			var out bytes.Buffer
			out.WriteString("# source type: " + string(res.SourceType) + "\n")
			for _, o := range res.Objects {
				b, err := yaml.Marshal(o.Object)
				if err != nil {
					t.Fatal(err)
				}
				out.WriteString("---\n")
				out.Write(b)
			}
			golden := filepath.Join("testdata", "golden", tt.name+".yaml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(want, out.Bytes()) {
				t.Errorf("render differs from %s:\n%s", golden, out.String())
			}
		})
	}
}
