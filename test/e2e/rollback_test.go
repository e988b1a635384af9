package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// rollbackApp is an automated app over a repository served over HTTP with
// basic auth.
const rollbackApp = `apiVersion: v1
kind: Secret
metadata:
  name: shop-repo
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: repository}
stringData: {url: REPO, username: ci, password: s3cret}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  source: {repoURL: REPO, path: app, targetRevision: main}
  syncPolicy:
    automated: {selfHeal: true}
    syncOptions: [CreateNamespace=true]
`

// Given an automated app that synced v1 then v2, When a user rolls it back
// with tiphys app rollback, Then the cluster is back on v1 at once, a
// revert commit naming who and why is on the branch, and once the app
// reaches that commit the hold is gone, the app is Synced to the branch
// head, and nothing was deployed again.
func TestRollbackWritesTheRevert(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	startController(t, kubeconfig, dir)
	kc := func(args ...string) string {
		return must(t, "kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	}
	get := func(args ...string) string {
		return runCmd("kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...).stdout
	}

	work := gittest.New(t)
	v1 := work.Commit("v1", shopManifests("v1"))
	root := t.TempDir()
	bareDir := filepath.Join(root, "shop.git")
	work.Git("clone", "-q", "--bare", work.Dir, bareDir)
	bare := gittest.Open(t, bareDir)
	bare.Git("config", "http.receivepack", "true")
	server := gittest.ServeHTTP(t, root, "ci", "s3cret")
	appFile := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appFile, []byte(strings.ReplaceAll(rollbackApp, "REPO", server.URL+"/shop.git")), 0o600); err != nil {
		t.Fatal(err)
	}
	kc("apply", "-f", appFile)
	version := func() string { return get("get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.version}") }
	syncedAt := func() string {
		return get("get", "app", "shop", "-n", "argocd", "-o", "jsonpath={.status.sync.status}/{.status.sync.revision}")
	}
	eventually(t, "v1 synced", func() bool { return syncedAt() == "Synced/"+v1 })
	v2 := work.Commit("v2", shopManifests("v2"))
	work.Git("push", "-q", bareDir, "main")
	eventually(t, "v2 synced", func() bool { return syncedAt() == "Synced/"+v2 && version() == "v2" })

	entries := func() int {
		return strings.Count(get("get", "app", "shop", "-n", "argocd", "-o", "jsonpath={range .status.history[*]}{.id} {end}"), " ")
	}
	before := entries()
	out := must(t, tiphys, "app", "rollback", "shop", "--kubeconfig", kubeconfig, "--reason", "5xx after v2",
		"--author", "Ada Ops <ada@example.com>", "--timeout", "2m")
	if !strings.Contains(out, "Revert commit") {
		t.Errorf("rollback output:\n%s", out)
	}
	if v := version(); v != "v1" {
		t.Fatalf("version after rollback = %q, want v1 at once", v)
	}
	if n := entries(); n != before+1 {
		t.Errorf("history entries %d → %d: one rollback, one sync wanted", before, n)
	}
	revert := bare.Git("rev-parse", "main")
	if revert == v2 || bare.Git("rev-parse", revert+"^") != v2 {
		t.Fatalf("no revert commit on top of v2: main at %s", revert)
	}
	msg := bare.Git("log", "-1", "--format=%an <%ae>%n%B", revert)
	for _, want := range []string{"Ada Ops <ada@example.com>", "Rollback shop to " + v1[:7], "Reason: 5xx after v2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("revert commit lacks %q:\n%s", want, msg)
		}
	}
	rv := get("get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.metadata.resourceVersion}")
	eventually(t, "hold released, synced to the revert", func() bool {
		return syncedAt() == "Synced/"+revert && strings.Contains(get("get", "cm", "tiphys-rollback-holds", "-n", "argocd", "-o", "jsonpath={.data.argocd\\.shop}"), `"released"`)
	})
	history := must(t, tiphys, "app", "history", "shop", "--kubeconfig", kubeconfig)
	for _, want := range []string{"Last rollback: to history", "reason: 5xx after v2", "Revert commit: " + revert, "Hold: released"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	if now := get("get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.metadata.resourceVersion}"); now != rv || version() != "v1" {
		t.Errorf("the revert re-deployed the ConfigMap: resourceVersion %s→%s, version %s", rv, now, version())
	}
	if conds := get("get", "app", "shop", "-n", "argocd", "-o", "jsonpath={.status.conditions}"); strings.Contains(conds, "RollbackHold") {
		t.Errorf("hold condition left: %s", conds)
	}
}
