package generators

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// chartsRepo has a config per cluster, one of them a list, a subchart's
// values file two levels down, and numbers of several sizes.
func chartsRepo(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Commit("charts", map[string]string{
		"clusters/dev/config.json": `{"cluster": {"name": "dev", "address": "https://dev.example.com"},
			"replicas": 3, "ratio": 2.5, "big": 1000000, "quoted": "1000000", "on": true, "none": null,
			"tags": ["a", "b"], "empty": {}}`,
		"clusters/prod/config.yaml":                      "- cluster: {name: prod-eu}\n  shard: 1\n- cluster: {name: prod-us}\n  shard: 2\n",
		"clusters/prod/chart/sub/config.yaml":            "cluster: {name: sub}\n",
		"clusters/prod/chart/sub/ignored.txt":            "not a config\n",
		"clusters/staging/config.yaml":                   "",
		"clusters/staging/config.disabled.yaml":          "cluster: {name: off}\n",
		"cluster-charts/c1/mychart/values.yaml":          "chart: mychart\n",
		"cluster-charts/c1/mychart/charts/s/values.yaml": "chart: subchart\n",
	})
	return r
}

func TestGitFiles(t *testing.T) {
	repo := chartsRepo(t)
	devPath := Params{
		"path": "clusters/dev", "path.basename": "dev", "path.basenameNormalized": "dev",
		"path.filename": "config.json", "path.filenameNormalized": "config.json",
		"path[0]": "clusters", "path[1]": "dev",
	}
	prodPath := func(p Params) Params {
		p["path"], p["path.basename"], p["path.basenameNormalized"] = "clusters/prod", "prod", "prod"
		p["path.filename"], p["path.filenameNormalized"] = "config.yaml", "config.yaml"
		p["path[0]"], p["path[1]"] = "clusters", "prod"
		return p
	}
	with := func(base Params, extra Params) Params {
		out := Params{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name        string
		goTemplate  bool
		annotations map[string]string
		gen         v1alpha1.GitGenerator
		want        []Params
	}{{
		name: "default language: flattened, numbers as Argo CD prints them",
		gen:  v1alpha1.GitGenerator{Files: []v1alpha1.GitFileGeneratorItem{{Path: "clusters/dev/*.json"}}},
		want: []Params{with(devPath, Params{
			"cluster.name": "dev", "cluster.address": "https://dev.example.com",
			"replicas": "3", "ratio": "2.5", "big": "1e+06", "quoted": "1000000", "on": "true", "none": "<nil>",
			"tags.0": "a", "tags.1": "b",
		})},
	}, {
		name: "a list: one set per item; an empty file: path parameters only; exclude wins",
		gen: v1alpha1.GitGenerator{Files: []v1alpha1.GitFileGeneratorItem{
			{Path: "clusters/*/config.disabled.yaml", Exclude: true},
			{Path: "clusters/*/*.yaml"},
		}},
		want: []Params{
			prodPath(Params{"cluster.name": "prod-eu", "shard": "1"}),
			prodPath(Params{"cluster.name": "prod-us", "shard": "2"}),
			{
				"path": "clusters/staging", "path.basename": "staging", "path.basenameNormalized": "staging",
				"path.filename": "config.yaml", "path.filenameNormalized": "config.yaml",
				"path[0]": "clusters", "path[1]": "staging",
			},
		},
	}, {
		name: "** crosses segments",
		gen:  v1alpha1.GitGenerator{Files: []v1alpha1.GitFileGeneratorItem{{Path: "cluster-charts/**/values.yaml"}}},
		want: []Params{
			{
				"chart": "subchart", "path": "cluster-charts/c1/mychart/charts/s", "path.basename": "s", "path.basenameNormalized": "s",
				"path.filename": "values.yaml", "path.filenameNormalized": "values.yaml",
				"path[0]": "cluster-charts", "path[1]": "c1", "path[2]": "mychart", "path[3]": "charts", "path[4]": "s",
			},
			{
				"chart": "mychart", "path": "cluster-charts/c1/mychart", "path.basename": "mychart", "path.basenameNormalized": "mychart",
				"path.filename": "values.yaml", "path.filenameNormalized": "values.yaml",
				"path[0]": "cluster-charts", "path[1]": "c1", "path[2]": "mychart",
			},
		},
	}, {
		name: "* stays in one segment: the subchart's values are not picked up",
		gen:  v1alpha1.GitGenerator{Files: []v1alpha1.GitFileGeneratorItem{{Path: "cluster-charts/*/*/values.yaml"}}},
		want: []Params{{
			"chart": "mychart", "path": "cluster-charts/c1/mychart", "path.basename": "mychart", "path.basenameNormalized": "mychart",
			"path.filename": "values.yaml", "path.filenameNormalized": "values.yaml",
			"path[0]": "cluster-charts", "path[1]": "c1", "path[2]": "mychart",
		}},
	}, {
		name:        "tiphys.io/git-files-glob: argocd: * crosses / as in Argo CD",
		annotations: map[string]string{AnnotationGitFilesGlob: GitFilesGlobArgoCD},
		gen:         v1alpha1.GitGenerator{Files: []v1alpha1.GitFileGeneratorItem{{Path: "cluster-charts/*/*/values.yaml"}}},
		want: []Params{
			{
				"chart": "subchart", "path": "cluster-charts/c1/mychart/charts/s", "path.basename": "s", "path.basenameNormalized": "s",
				"path.filename": "values.yaml", "path.filenameNormalized": "values.yaml",
				"path[0]": "cluster-charts", "path[1]": "c1", "path[2]": "mychart", "path[3]": "charts", "path[4]": "s",
			},
			{
				"chart": "mychart", "path": "cluster-charts/c1/mychart", "path.basename": "mychart", "path.basenameNormalized": "mychart",
				"path.filename": "values.yaml", "path.filenameNormalized": "values.yaml",
				"path[0]": "cluster-charts", "path[1]": "c1", "path[2]": "mychart",
			},
		},
	}, {
		name:       "goTemplate: objects as they are, nested path, values",
		goTemplate: true,
		gen: v1alpha1.GitGenerator{
			Files:  []v1alpha1.GitFileGeneratorItem{{Path: "clusters/prod/chart/**/config.yaml"}},
			Values: map[string]string{"name": "{{ .cluster.name }}-{{ .path.basename }}"},
		},
		want: []Params{{
			"cluster": map[string]any{"name": "sub"},
			"path": map[string]any{
				"path": "clusters/prod/chart/sub", "basename": "sub", "basenameNormalized": "sub",
				"filename": "config.yaml", "filenameNormalized": "config.yaml",
				"segments": []any{"clusters", "prod", "chart", "sub"},
			},
			"values": map[string]any{"name": "sub-sub"},
		}},
	}, {
		name:       "goTemplate: numbers and lists kept",
		goTemplate: true,
		gen: v1alpha1.GitGenerator{
			Files:           []v1alpha1.GitFileGeneratorItem{{Path: "clusters/dev/config.json"}},
			PathParamPrefix: "cfg",
		},
		want: []Params{{
			"cluster":  map[string]any{"name": "dev", "address": "https://dev.example.com"},
			"replicas": float64(3), "ratio": 2.5, "big": float64(1000000), "quoted": "1000000", "on": true, "none": nil,
			"tags": []any{"a", "b"}, "empty": map[string]any{},
			"cfg": map[string]any{"path": map[string]any{
				"path": "clusters/dev", "basename": "dev", "basenameNormalized": "dev",
				"filename": "config.json", "filenameNormalized": "config.json",
				"segments": []any{"clusters", "dev"},
			}},
		}},
	}}
	env := gitEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gen := tt.gen
			gen.RepoURL, gen.Revision = repo.URL(), "main"
			mustGenerate(t, v1alpha1.ApplicationSetGenerator{Git: &gen}, appSet(tt.goTemplate, tt.annotations), env, tt.want)
		})
	}
}

func TestFileGlobs(t *testing.T) {
	tests := []struct {
		pattern string
		argocd  bool
		name    string
		want    bool
	}{
		{"a/*.yaml", false, "a/x.yaml", true},
		{"a/*.yaml", false, "a/b/x.yaml", false},
		{"a/*.yaml", true, "a/b/x.yaml", true},
		{"a/**/x.yaml", false, "a/x.yaml", true},
		{"a/**/x.yaml", false, "a/b/c/x.yaml", true},
		{"**", false, "a/b/c", true},
		{"a/x.yaml", false, "a/x.yaml", true},
		{"a", false, "a/x.yaml", false},
		{"a", true, "a/x.yaml", true},
		{"a/[xy].yaml", true, "a/y.yaml", true},
		{"a/[!xy].yaml", true, "a/y.yaml", false},
		{"a/?.yaml", true, "a/b.yaml", true},
	}
	for _, tt := range tests {
		g, err := newFileGlob(tt.pattern, tt.argocd)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.match(tt.name); got != tt.want {
			t.Errorf("glob %q (argocd %v) on %q = %v, want %v", tt.pattern, tt.argocd, tt.name, got, tt.want)
		}
	}
}

func TestGitFilesGlobSwitchValue(t *testing.T) {
	repo := chartsRepo(t)
	gen := &v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Files: []v1alpha1.GitFileGeneratorItem{{Path: "clusters/*/config.json"}}}
	set := appSet(false, map[string]string{AnnotationGitFilesGlob: "greedy"})
	_, err := generate(t, v1alpha1.ApplicationSetGenerator{Git: gen}, set, gitEnv(t))
	if err == nil || err.Error() != `generator 0 (git): annotation tiphys.io/git-files-glob: "greedy" is not a known value ("argocd", or unset)` {
		t.Fatalf("error = %v", err)
	}
}
