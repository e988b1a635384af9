package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const kustomizeApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: orders
  namespace: argocd
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
  source:
    repoURL: REPO
    targetRevision: TARGET
    path: overlay
    kustomize:
      images:
      - example/orders:2.0.0
`

// Given a Git repository with a kustomize overlay on a branch,
// when `tiphys app manifests` renders an Application file pointing at it,
// then it prints the overlay's objects with the image override and tracking ids,
// and a targetRevision that does not exist fails with a clear error.
func TestAppManifestsFromGit(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("base", map[string]string{
		"base/kustomization.yaml":    "resources:\n- deploy.yaml\n",
		"base/deploy.yaml":           "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  selector:\n    matchLabels: {app: orders}\n  template:\n    metadata:\n      labels: {app: orders}\n    spec:\n      containers:\n      - name: orders\n        image: example/orders:1.0.0\n",
		"overlay/kustomization.yaml": "resources:\n- ../base\n- ns.yaml\nnamePrefix: prod-\n",
		"overlay/ns.yaml":            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
	})
	repo.Git("branch", "release")
	dir := t.TempDir()
	appFile := filepath.Join(dir, "app.yaml")
	write := func(target string) {
		content := strings.NewReplacer("REPO", repo.URL(), "TARGET", target).Replace(kustomizeApp)
		if err := os.WriteFile(appFile, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("release")
	out := must(t, tiphys, "app", "manifests", "-f", appFile, "--cache-dir", filepath.Join(dir, "cache"))
	for _, want := range []string{
		"kind: Namespace", "name: prod-orders", "image: example/orders:2.0.0",
		"argocd.argoproj.io/tracking-id: orders:apps/Deployment:shop/prod-orders",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "kind: Namespace") > strings.Index(out, "kind: Deployment") {
		t.Errorf("Namespace is not printed before the Deployment (sync order):\n%s", out)
	}

	write("no-such-branch")
	r := runCmd(tiphys, "app", "manifests", "-f", appFile, "--cache-dir", filepath.Join(dir, "cache"))
	if r.err == nil {
		t.Fatal("rendering a missing revision succeeded")
	}
	for _, want := range []string{appFile, `render application "orders"`, `revision "no-such-branch" not found`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, r.stderr)
		}
	}
}
