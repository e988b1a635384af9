package generators

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// servicesRepo is the platform's repository: four services, a hidden
// directory and a docs directory.
func servicesRepo(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Commit("services", map[string]string{
		"services/api-gateway/kustomization.yaml":          "resources: []\n",
		"services/order-service/kustomization.yaml":        "resources: []\n",
		"services/notification-worker/kustomization.yaml":  "resources: []\n",
		"services/ml-inference-gateway/kustomization.yaml": "resources: []\n",
		"services/.templates/base/kustomization.yaml":      "resources: []\n",
		"docs/README.md": "# services\n",
	})
	return r
}

func dirParams(dir string, segments ...string) Params {
	p := Params{"path": dir, "path.basename": segments[len(segments)-1], "path.basenameNormalized": Normalize(segments[len(segments)-1])}
	for i, s := range segments {
		p["path["+string(rune('0'+i))+"]"] = s
	}
	return p
}

func TestGitDirectories(t *testing.T) {
	repo := servicesRepo(t)
	tests := []struct {
		name       string
		goTemplate bool
		gen        v1alpha1.GitGenerator
		want       []Params
	}{{
		name: "default language, lexical order, hidden directories skipped",
		gen:  v1alpha1.GitGenerator{Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "services/*"}}},
		want: []Params{
			dirParams("services/api-gateway", "services", "api-gateway"),
			dirParams("services/ml-inference-gateway", "services", "ml-inference-gateway"),
			dirParams("services/notification-worker", "services", "notification-worker"),
			dirParams("services/order-service", "services", "order-service"),
		},
	}, {
		name: "exclude wins whatever its position",
		gen: v1alpha1.GitGenerator{Directories: []v1alpha1.GitDirectoryGeneratorItem{
			{Path: "services/*-gateway", Exclude: true},
			{Path: "services/*"},
		}},
		want: []Params{
			dirParams("services/notification-worker", "services", "notification-worker"),
			dirParams("services/order-service", "services", "order-service"),
		},
	}, {
		name: "* stays in one segment",
		gen:  v1alpha1.GitGenerator{Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "*"}}},
		want: []Params{dirParams("docs", "docs"), dirParams("services", "services")},
	}, {
		name: "pathParamPrefix and templated values",
		gen: v1alpha1.GitGenerator{
			Directories:     []v1alpha1.GitDirectoryGeneratorItem{{Path: "services/order-*"}},
			PathParamPrefix: "svc",
			Values:          map[string]string{"app": "{{svc.path.basename}}-app"},
		},
		want: []Params{{
			"svc.path": "services/order-service", "svc.path.basename": "order-service",
			"svc.path.basenameNormalized": "order-service", "svc.path[0]": "services", "svc.path[1]": "order-service",
			"values.app": "order-service-app",
		}},
	}, {
		name:       "goTemplate: nested path with segments",
		goTemplate: true,
		gen: v1alpha1.GitGenerator{
			Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "services/api-*"}},
			Values:      map[string]string{"first": "{{ index .path.segments 0 }}"},
		},
		want: []Params{{
			"path": map[string]any{
				"path": "services/api-gateway", "basename": "api-gateway", "basenameNormalized": "api-gateway",
				"segments": []any{"services", "api-gateway"},
			},
			"values": map[string]any{"first": "services"},
		}},
	}, {
		name:       "goTemplate with pathParamPrefix",
		goTemplate: true,
		gen: v1alpha1.GitGenerator{
			Directories:     []v1alpha1.GitDirectoryGeneratorItem{{Path: "docs"}},
			PathParamPrefix: "doc",
		},
		want: []Params{{"doc": map[string]any{"path": map[string]any{
			"path": "docs", "basename": "docs", "basenameNormalized": "docs", "segments": []any{"docs"},
		}}}},
	}}
	env := gitEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gen := tt.gen
			gen.RepoURL, gen.Revision = repo.URL(), "main"
			mustGenerate(t, v1alpha1.ApplicationSetGenerator{Git: &gen}, appSet(tt.goTemplate, nil), env, tt.want)
		})
	}
}

func TestGitErrors(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("configs", map[string]string{"config/broken.yaml": "a: [1, 2\n", "config/ok.yaml": "a: 1\n"})
	missing := "file://" + t.TempDir() + "/missing"
	tests := []struct {
		name    string
		gen     v1alpha1.GitGenerator
		env     *Env
		wantErr []string
	}{{
		name:    "unreachable repository",
		gen:     v1alpha1.GitGenerator{RepoURL: missing, Revision: "main", Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "*"}}},
		wantErr: []string{"generator 0 (git): repository " + missing + ` at revision "main"`},
	}, {
		name:    "unknown revision",
		gen:     v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "v9", Files: []v1alpha1.GitFileGeneratorItem{{Path: "config/*.yaml"}}},
		wantErr: []string{"repository " + repo.URL() + ` at revision "v9"`},
	}, {
		name:    "a file that does not parse",
		gen:     v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Files: []v1alpha1.GitFileGeneratorItem{{Path: "config/*.yaml"}}},
		wantErr: []string{"repository " + repo.URL(), "file config/broken.yaml: not a YAML or JSON object"},
	}, {
		name:    "a bad glob",
		gen:     v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "a/[b"}}},
		wantErr: []string{`directories path "a/[b"`, "syntax error in pattern"},
	}, {
		name:    "no Git here",
		gen:     v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "*"}}},
		env:     &Env{},
		wantErr: []string{"repository " + repo.URL() + ": not available here"},
	}, {
		name:    "neither directories nor files",
		gen:     v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main"},
		wantErr: []string{"neither directories nor files"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = gitEnv(t)
			}
			gen := tt.gen
			_, err := generate(t, v1alpha1.ApplicationSetGenerator{Git: &gen}, appSet(false, nil), env)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
