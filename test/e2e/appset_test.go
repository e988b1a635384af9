package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const e2eSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: services
  namespace: argocd
spec:
  goTemplate: true
  generators:
  - matrix:
      generators:
      - list:
          elements: [{env: staging}, {env: production}]
      - git:
          repoURL: REPO
          revision: main
          directories: [{path: 'services/*'}]
  template:
    metadata:
      name: '{{.path.basename}}-{{.env}}'
      labels: {env: '{{.env}}'}
    spec:
      project: default
      source:
        repoURL: REPO
        targetRevision: main
        path: '{{.path.path}}'
      destination: {server: https://kubernetes.default.svc, namespace: '{{.path.basename}}-{{.env}}'}
`

// Given a local plane with a running controller and an ApplicationSet
// applied with kubectl,
// when `tiphys appset generate -f` runs on the same file,
// then it prints the very Applications the controller created (names,
// labels and specs), and `tiphys appset diff` finds nothing to change.
func TestAppsetGenerateMatchesController(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	startController(t, kubeconfig, dir)
	repo := gittest.New(t)
	repo.Commit("services", map[string]string{"services/cart/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cart}\n",
		"services/pay/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pay}\n"})
	file := filepath.Join(dir, "set.yaml")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(e2eSet, "REPO", repo.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", file)

	var generated []v1alpha1.Application
	if err := json.Unmarshal([]byte(must(t, tiphys, "appset", "generate", "-f", file, "-o", "json")), &generated); err != nil {
		t.Fatal(err)
	}
	if len(generated) != 4 {
		t.Fatalf("appset generate made %d Applications, want 4", len(generated))
	}
	live := map[string]v1alpha1.Application{}
	eventually(t, "the controller creates the 4 Applications", func() bool {
		var list v1alpha1.ApplicationList
		out := runCmd("kubectl", "--kubeconfig", kubeconfig, "-n", "argocd", "get", "applications", "-o", "json")
		if out.err != nil || json.Unmarshal([]byte(out.stdout), &list) != nil {
			return false
		}
		for _, a := range list.Items {
			live[a.Name] = a
		}
		return len(list.Items) == 4
	})
	for _, g := range generated {
		l, ok := live[g.Name]
		if !ok {
			t.Errorf("generate printed %s, which the controller did not create", g.Name)
			continue
		}
		a, _ := json.Marshal([]any{g.Labels, g.Spec})
		b, _ := json.Marshal([]any{l.Labels, l.Spec})
		if string(a) != string(b) {
			t.Errorf("%s: generate %s, controller %s", g.Name, a, b)
		}
	}
	if r := runCmd(tiphys, "appset", "diff", "services", "--kubeconfig", kubeconfig); r.err != nil {
		t.Errorf("appset diff after the controller's run: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
}
