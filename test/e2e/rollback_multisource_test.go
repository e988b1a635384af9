package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// rollbackMultiSourceApp is an automated app rendering a Helm chart from
// one Git repository with a values file from another (a ref: source), both
// served over HTTP with basic auth (one repo-creds Secret for the server).
const rollbackMultiSourceApp = `apiVersion: v1
kind: Secret
metadata:
  name: git-server-creds
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: repo-creds}
stringData: {url: SERVER, username: ci, password: s3cret}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  sources:
  - repoURL: SERVER/charts.git
    path: charts/shop
    targetRevision: main
    helm: {valueFiles: [$values/environments/prod/values.yaml]}
  - repoURL: SERVER/platform.git
    targetRevision: main
    ref: values
  syncPolicy:
    automated: {selfHeal: true}
    syncOptions: [CreateNamespace=true]
`

// shopChart is a chart whose ConfigMap carries the version of its values.
var shopChart = map[string]string{
	"charts/shop/Chart.yaml":  "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
	"charts/shop/values.yaml": "version: v0\n",
	"charts/shop/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n" +
		"data:\n  version: {{ .Values.version }}\n",
}

// servedRepo is a work repository pushed to a bare repository that the
// test's HTTP server serves.
func servedRepo(t *testing.T, root, name string, files map[string]string) (work, bare *gittest.Repo, first string) {
	t.Helper()
	work = gittest.New(t)
	first = work.Commit("first", files)
	dir := filepath.Join(root, name)
	work.Git("clone", "-q", "--bare", work.Dir, dir)
	bare = gittest.Open(t, dir)
	bare.Git("config", "http.receivepack", "true")
	work.Git("remote", "add", "origin", dir)
	return work, bare, first
}

// Given an automated multi-source app (a chart from one Git repository, its
// values from another through a ref: source) that synced values v1, then
// v2, then a change to another file, When a user rolls it back to v1 with tiphys app rollback, Then the cluster
// is back on v1 at once, the values repository's branch gets a revert
// commit restoring the values file (and nothing else), the chart's branch
// none, and once the app reaches that commit the hold is gone, the app is
// Synced to the branch heads, and nothing was deployed again.
func TestRollbackMultiSource(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	startController(t, kubeconfig, dir)
	kc := func(args ...string) string {
		return must(t, "kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	}
	get := func(args ...string) string {
		return runCmd("kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...).stdout
	}

	root := t.TempDir()
	_, charts, chartsHead := servedRepo(t, root, "charts.git", shopChart)
	values, platform, v1 := servedRepo(t, root, "platform.git", map[string]string{
		"environments/prod/values.yaml": "version: v1\n", "README.md": "platform\n"})
	server := gittest.ServeHTTP(t, root, "ci", "s3cret")
	appFile := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appFile, []byte(strings.ReplaceAll(rollbackMultiSourceApp, "SERVER", server.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	kc("apply", "-f", appFile)
	version := func() string { return get("get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.version}") }
	syncedAt := func() string {
		return get("get", "app", "shop", "-n", "argocd", "-o", "jsonpath={.status.sync.status}/{.status.sync.revisions[0]}/{.status.sync.revisions[1]}")
	}
	eventually(t, "v1 synced", func() bool { return syncedAt() == "Synced/"+chartsHead+"/"+v1 && version() == "v1" })
	v2 := values.Commit("v2", map[string]string{"environments/prod/values.yaml": "version: v2\n"})
	values.Git("push", "-q", "origin", "main")
	eventually(t, "v2 synced", func() bool { return syncedAt() == "Synced/"+chartsHead+"/"+v2 && version() == "v2" })
	// A later change elsewhere in the values repository, which the revert keeps.
	later := values.Commit("docs", map[string]string{"README.md": "platform, documented\n"})
	values.Git("push", "-q", "origin", "main")
	eventually(t, "the later commit synced", func() bool { return syncedAt() == "Synced/"+chartsHead+"/"+later })
	first := get("get", "app", "shop", "-n", "argocd", "-o", "jsonpath={.status.history[0].id}")

	out := must(t, tiphys, "app", "rollback", "shop", first, "--kubeconfig", kubeconfig, "--reason", "5xx after v2",
		"--author", "Ada Ops <ada@example.com>", "--timeout", "2m")
	if v := version(); v != "v1" {
		t.Fatalf("version after rollback = %q, want v1 at once", v)
	}
	for _, want := range []string{"Revert commit", "source 2 (" + server.URL + "/platform.git) branch main", "source 1 (" + server.URL + "/charts.git) already holds"} {
		if !strings.Contains(out, want) {
			t.Errorf("rollback output lacks %q:\n%s", want, out)
		}
	}
	if head := charts.Git("rev-parse", "main"); head != chartsHead {
		t.Errorf("the chart's branch moved: %s, want %s", head, chartsHead)
	}
	revert := platform.Git("rev-parse", "main")
	if revert == later || platform.Git("rev-parse", revert+"^") != later {
		t.Fatalf("no revert commit on top of the values branch: main at %s", revert)
	}
	if got := platform.Git("show", "main:environments/prod/values.yaml"); got != "version: v1" {
		t.Errorf("values file after the revert = %q, want v1's", got)
	}
	if got := platform.Git("show", "main:README.md"); got != "platform, documented" {
		t.Errorf("README after the revert = %q: the revert touched another file", got)
	}
	msg := platform.Git("log", "-1", "--format=%an <%ae>%n%B", revert)
	for _, want := range []string{"Ada Ops <ada@example.com>", "Rollback shop to " + chartsHead[:7] + "," + v1[:7], "Reason: 5xx after v2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("revert commit lacks %q:\n%s", want, msg)
		}
	}
	rv := get("get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.metadata.resourceVersion}")
	eventually(t, "hold released, synced to the revert", func() bool {
		return syncedAt() == "Synced/"+chartsHead+"/"+revert && strings.Contains(get("get", "cm", "tiphys-rollback-holds", "-n", "argocd", "-o", "jsonpath={.data.argocd\\.shop}"), `"released"`)
	})
	history := must(t, tiphys, "app", "history", "shop", "--kubeconfig", kubeconfig)
	for _, want := range []string{"Last rollback: to history", "(revision " + chartsHead[:7] + "," + v1[:7] + ")", "Revert commit: " + revert, "Hold: released"} {
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
