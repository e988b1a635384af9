package applicationset_test

import (
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
)

func parseSet(t *testing.T, manifest string) *v1alpha1.ApplicationSet {
	t.Helper()
	set := &v1alpha1.ApplicationSet{}
	if err := yaml.UnmarshalStrict([]byte(manifest), set); err != nil {
		t.Fatal(err)
	}
	set.Namespace = "argocd"
	return set
}

// A parameter set whose template fails is left out and named; the others
// render. templatePatch merges into each Application, replacing lists and
// never touching spec.project.
func TestGenerateElementsAndPatch(t *testing.T) {
	set := parseSet(t, `
metadata: {name: shop}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list:
      elements:
      - {name: cart, team: red, autosync: true}
      - {name: pay}
  template:
    metadata: {name: 'shop-{{.name}}', labels: {team: '{{.team}}'}}
    spec:
      project: default
      source: {repoURL: https://git.example.com/shop, targetRevision: main, path: '{{.name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: shop}
      syncPolicy: {syncOptions: [CreateNamespace=true]}
  templatePatch: |
    spec:
      project: hijacked
      syncPolicy:
        syncOptions: [ServerSideApply=true]
      {{- if .autosync }}
        automated: {prune: true}
      {{- end }}
`)
	gen, err := applicationset.Generate(context.Background(), set, &generators.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(gen.Applications) != 1 || gen.Applications[0].Name != "shop-cart" {
		t.Fatalf("applications %v", gen.Applications)
	}
	a := gen.Applications[0]
	if a.Spec.Project != "default" || a.Labels["team"] != "red" || a.Spec.SyncPolicy == nil || a.Spec.SyncPolicy.Automated == nil ||
		strings.Join(a.Spec.SyncPolicy.SyncOptions, ",") != "ServerSideApply=true" {
		t.Errorf("shop-cart: labels %v, spec %+v", a.Labels, a.Spec)
	}
	if len(gen.ElementErrors) != 1 || !strings.Contains(gen.ElementErrors[0].Error(), "parameter set 1") ||
		!strings.Contains(gen.ElementErrors[0].Error(), "team") {
		t.Errorf("element errors %v, want one naming parameter set 1 and the missing key", gen.ElementErrors)
	}
}

// A templatePatch that leaves no spec is refused; two parameter sets that
// make one name with different content are an error.
func TestGenerateRefusals(t *testing.T) {
	empty := parseSet(t, `
metadata: {name: empty}
spec:
  goTemplate: true
  generators: [{list: {elements: [{name: a}]}}]
  template:
    metadata: {name: '{{.name}}'}
    spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: a}}
  templatePatch: |
    spec: null
`)
	gen, err := applicationset.Generate(context.Background(), empty, &generators.Env{})
	if err != nil || len(gen.Applications) != 0 || len(gen.ElementErrors) != 1 ||
		!strings.Contains(gen.ElementErrors[0].Error(), "without a spec") {
		t.Errorf("templatePatch emptying spec: %v, %+v", err, gen)
	}
	dup := parseSet(t, `
metadata: {name: dup}
spec:
  generators: [{list: {elements: [{name: a, ns: ns-x}, {name: a, ns: ns-y}]}}]
  template:
    metadata: {name: '{{name}}'}
    spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: '{{ns}}'}}
`)
	if _, err := applicationset.Generate(context.Background(), dup, &generators.Env{}); err == nil ||
		!strings.Contains(err.Error(), `generator 0, parameter set 0 and generator 0, parameter set 1 both make application "a"`) {
		t.Errorf("duplicate names: %v", err)
	}
}
