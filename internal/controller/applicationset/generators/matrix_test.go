package generators

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

func environments(t *testing.T) *v1alpha1.ListGenerator {
	return listOf(t, map[string]any{"env": "staging"}, map[string]any{"env": "production"})
}

func servicesDirs(repo *gittest.Repo) *v1alpha1.GitGenerator {
	return &v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "services/*"}}}
}

// TestMatrixPlatform is the platform's set: two environments times four
// services are eight Applications.
func TestMatrixPlatform(t *testing.T) {
	repo := servicesRepo(t)
	g := v1alpha1.ApplicationSetGenerator{Matrix: &v1alpha1.MatrixGenerator{Generators: []v1alpha1.ApplicationSetNestedGenerator{
		{List: environments(t)}, {Git: servicesDirs(repo)},
	}}}
	var want []Params
	for _, env := range []string{"staging", "production"} {
		for _, svc := range []string{"api-gateway", "ml-inference-gateway", "notification-worker", "order-service"} {
			p := dirParams("services/"+svc, "services", svc)
			p["env"] = env
			want = append(want, p)
		}
	}
	mustGenerate(t, g, appSet(false, nil), gitEnv(t), want)

	t.Run("goTemplate", func(t *testing.T) {
		got, err := generate(t, g, appSet(true, nil), gitEnv(t))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range got {
			name, err := template.Render("{{ .env }}-{{ .path.basename }}", p, template.Options{GoTemplate: true})
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, name)
		}
		wantNames := "staging-api-gateway staging-ml-inference-gateway staging-notification-worker staging-order-service " +
			"production-api-gateway production-ml-inference-gateway production-notification-worker production-order-service"
		if strings.Join(names, " ") != wantNames {
			t.Fatalf("names = %v", names)
		}
	})
}

func TestMatrix(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("configs", map[string]string{
		"apps/web/config.json":          `{"app": "web", "revision": "main"}`,
		"apps/worker/config.json":       `{"app": "worker", "revision": "v2"}`,
		"apps/web/overlays/a/k.yaml":    "",
		"apps/worker/overlays/b/k.yaml": "",
	})
	filesGen := &v1alpha1.GitGenerator{RepoURL: repo.URL(), Revision: "main", Files: []v1alpha1.GitFileGeneratorItem{{Path: "apps/*/config.json"}}}
	nestedMatrix := apiextensionsv1.JSON{Raw: rawJSON(t, map[string]any{"generators": []any{
		map[string]any{"list": map[string]any{"elements": []any{map[string]any{"region": "eu"}}}},
		map[string]any{"list": map[string]any{"elements": []any{map[string]any{"tier": "gold"}, map[string]any{"tier": "silver"}}}},
	}})}
	tests := []struct {
		name        string
		goTemplate  bool
		annotations map[string]string
		gens        []v1alpha1.ApplicationSetNestedGenerator
		want        []Params
		wantErr     string
	}{{
		name: "the first's parameters template the second's fields",
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{Git: filesGen},
			{Git: &v1alpha1.GitGenerator{
				RepoURL: repo.URL(), Revision: "main", PathParamPrefix: "overlay",
				Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "apps/{{app}}/overlays/*"}},
				Values:      map[string]string{"name": "{{app}}-{{overlay.path.basename}}"},
			}},
		},
		want: []Params{
			{
				"app": "web", "revision": "main", "path": "apps/web", "path.basename": "web", "path.basenameNormalized": "web",
				"path.filename": "config.json", "path.filenameNormalized": "config.json", "path[0]": "apps", "path[1]": "web",
				"overlay.path": "apps/web/overlays/a", "overlay.path.basename": "a", "overlay.path.basenameNormalized": "a",
				"overlay.path[0]": "apps", "overlay.path[1]": "web", "overlay.path[2]": "overlays", "overlay.path[3]": "a",
				"values.name": "web-a",
			},
			{
				"app": "worker", "revision": "v2", "path": "apps/worker", "path.basename": "worker", "path.basenameNormalized": "worker",
				"path.filename": "config.json", "path.filenameNormalized": "config.json", "path[0]": "apps", "path[1]": "worker",
				"overlay.path": "apps/worker/overlays/b", "overlay.path.basename": "b", "overlay.path.basenameNormalized": "b",
				"overlay.path[0]": "apps", "overlay.path[1]": "worker", "overlay.path[2]": "overlays", "overlay.path[3]": "b",
				"values.name": "worker-b",
			},
		},
	}, {
		name:       "goTemplate: elementsYaml rendered from the first's parameters",
		goTemplate: true,
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: listOf(t, map[string]any{"components": []any{map[string]any{"name": "a", "version": "1.0"}, map[string]any{"name": "b", "version": "2.0"}}})},
			{List: &v1alpha1.ListGenerator{ElementsYaml: "{{ .components | toJson }}"}},
		},
		want: []Params{
			{"name": "a", "version": "1.0", "components": []any{map[string]any{"name": "a", "version": "1.0"}, map[string]any{"name": "b", "version": "2.0"}}},
			{"name": "b", "version": "2.0", "components": []any{map[string]any{"name": "a", "version": "1.0"}, map[string]any{"name": "b", "version": "2.0"}}},
		},
	}, {
		name: "a nested matrix, and a selector on a child",
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: environments(t), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "production"}}},
			{Matrix: &nestedMatrix},
		},
		want: []Params{
			{"env": "production", "region": "eu", "tier": "gold"},
			{"env": "production", "region": "eu", "tier": "silver"},
		},
	}, {
		name: "the same key with different values is an error naming it",
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: listOf(t, map[string]any{"env": "staging"})},
			{List: listOf(t, map[string]any{"env": "production"})},
		},
		wantErr: `both generators yield parameter "env", with different values (staging and production)`,
	}, {
		name:       "goTemplate: nested keys conflict too",
		goTemplate: true,
		gens: []v1alpha1.ApplicationSetNestedGenerator{{Git: filesGen}, {Git: &v1alpha1.GitGenerator{
			RepoURL: repo.URL(), Revision: "main", Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "apps/*/overlays/*"}},
		}}},
		wantErr: `both generators yield parameter "path.basename", with different values (web and a)`,
	}, {
		name:        "tiphys.io/matrix-duplicate-keys: first keeps the first's value, merging nested maps",
		goTemplate:  true,
		annotations: map[string]string{AnnotationMatrixDuplicateKeys: MatrixDuplicateKeysFirst},
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: listOf(t, map[string]any{"env": "staging", "values": map[string]any{"a": "1"}})},
			{List: listOf(t, map[string]any{"env": "production", "values": map[string]any{"a": "2", "b": "3"}})},
		},
		want: []Params{{"env": "staging", "values": map[string]any{"a": "1", "b": "3"}}},
	}, {
		name: "equal values are not a conflict",
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: listOf(t, map[string]any{"env": "staging", "a": "x"})},
			{List: listOf(t, map[string]any{"env": "staging", "b": "y"})},
		},
		want: []Params{{"env": "staging", "a": "x", "b": "y"}},
	}, {
		name:        "an unknown switch value is an error",
		annotations: map[string]string{AnnotationMatrixDuplicateKeys: "last"},
		gens:        []v1alpha1.ApplicationSetNestedGenerator{{List: environments(t)}, {List: environments(t)}},
		wantErr:     `annotation tiphys.io/matrix-duplicate-keys: "last" is not a known value`,
	}, {
		name:    "three generators",
		gens:    []v1alpha1.ApplicationSetNestedGenerator{{List: environments(t)}, {List: environments(t)}, {List: environments(t)}},
		wantErr: "a matrix takes exactly two generators, this one has 3",
	}, {
		name: "nested two levels deep",
		gens: []v1alpha1.ApplicationSetNestedGenerator{
			{List: environments(t)},
			{Matrix: &apiextensionsv1.JSON{Raw: rawJSON(t, map[string]any{"generators": []any{
				map[string]any{"list": map[string]any{"elements": []any{map[string]any{"a": "b"}}}},
				map[string]any{"matrix": map[string]any{"generators": []any{}}},
			}})}},
		},
		wantErr: "only one level of nesting is supported",
	}, {
		name:    "a failing child names its position",
		gens:    []v1alpha1.ApplicationSetNestedGenerator{{List: environments(t)}, {Clusters: &v1alpha1.ClusterGenerator{}}},
		wantErr: "generator 0 (matrix): generator 1 (for set 0 of generator 0): clusters: list clusters: not available here",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := v1alpha1.ApplicationSetGenerator{Matrix: &v1alpha1.MatrixGenerator{Generators: tt.gens}}
			set := appSet(tt.goTemplate, tt.annotations)
			if tt.wantErr != "" {
				_, err := generate(t, g, set, gitEnv(t))
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			mustGenerate(t, g, set, gitEnv(t), tt.want)
		})
	}
}
