package e2e

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const cliApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  source: {repoURL: REPO, path: app, targetRevision: main}
  syncPolicy:
    syncOptions: [CreateNamespace=true]
`

func shopManifests(version string) map[string]string {
	return map[string]string{
		"app/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
		"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  version: " + version + "\n",
		"app/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`,
	}
}

// Given a local plane with a running controller and a manual-sync app,
// when the user drives it with the app verbs,
// then diff reports missing and changed resources with exit code 1 (0 when
// in sync), sync applies, history lists the syncs, rollback restores the
// earlier revision in the cluster, list and get show the status, and
// delete cascades.
func TestAppVerbsAgainstController(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	metricsAddr := startController(t, kubeconfig, dir).metricsAddr

	repo := gittest.New(t)
	first := repo.Commit("v1", shopManifests("v1"))
	appFile := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appFile, []byte(strings.ReplaceAll(cliApp, "REPO", repo.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", appFile)
	app := func(args ...string) result {
		return runCmd(tiphys, append(append([]string{"app"}, args...), "--kubeconfig", kubeconfig)...)
	}
	exitCode := func(r result) int {
		if ee, ok := r.err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if r.err != nil {
			return -1
		}
		return 0
	}

	// Nothing is deployed yet: diff shows the ConfigMap to create.
	eventually(t, "controller reports the app", func() bool { return strings.Contains(app("get", "shop").stdout, "OutOfSync") })
	r := app("diff", "shop")
	if exitCode(r) != 1 || !strings.Contains(r.stdout, "+  version: v1") {
		t.Fatalf("diff before the first sync: exit %d\n%s", exitCode(r), r)
	}

	if r := app("sync", "shop", "--timeout", "2m"); r.err != nil || !strings.Contains(r.stdout, "Phase:      Succeeded") {
		t.Fatalf("sync: %s", r)
	}
	if r := app("wait", "shop", "--timeout", "2m"); r.err != nil {
		t.Fatalf("wait: %s", r)
	}
	if r := app("diff", "shop"); exitCode(r) != 0 {
		t.Errorf("diff after sync: exit %d\n%s", exitCode(r), r)
	}
	if out := app("list").stdout; !strings.Contains(out, "argocd/shop") || !strings.Contains(out, "Synced") || !strings.Contains(out, "Healthy") {
		t.Errorf("list:\n%s", out)
	}

	second := repo.Commit("v2", shopManifests("v2"))
	r = app("diff", "shop")
	if exitCode(r) != 1 || !strings.Contains(r.stdout, "-  version: v1") || !strings.Contains(r.stdout, "+  version: v2") {
		t.Fatalf("diff after a commit: exit %d\n%s", exitCode(r), r)
	}
	if r := app("diff", "shop", "--revision", first); exitCode(r) != 0 {
		t.Errorf("diff at the deployed revision: exit %d\n%s", exitCode(r), r)
	}
	// A dry run changes nothing; a sync of one resource changes only it.
	cmVersion := func() string {
		return must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.version}")
	}
	if r := app("sync", "shop", "--dry-run", "--timeout", "2m"); r.err != nil || cmVersion() != "v1" {
		t.Fatalf("sync --dry-run changed the cluster or failed (version %s): %s", cmVersion(), r)
	}
	if r := app("sync", "shop", "--resource", "apps:Deployment:web", "--timeout", "2m"); r.err != nil || cmVersion() != "v1" {
		t.Fatalf("sync --resource of the Deployment touched the ConfigMap (version %s): %s", cmVersion(), r)
	}
	if r := app("sync", "shop", "--timeout", "2m"); r.err != nil || !strings.Contains(r.stdout, second) {
		t.Fatalf("second sync: %s", r)
	}
	if v := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.version}"); v != "v2" {
		t.Fatalf("version after the second sync = %q", v)
	}

	history := app("history", "shop").stdout
	if !strings.Contains(history, first) || !strings.Contains(history, second) {
		t.Fatalf("history lacks a revision:\n%s", history)
	}
	if r := app("rollback", "shop", "0", "--no-git", "--timeout", "2m"); r.err != nil {
		t.Fatalf("rollback: %s", r)
	}
	if v := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.version}"); v != "v1" {
		t.Errorf("version after rollback = %q, want v1", v)
	}
	if out := app("get", "shop").stdout; !strings.Contains(out, "ConfigMap") || !strings.Contains(out, "settings") {
		t.Errorf("get:\n%s", out)
	}
	if out := app("get", "shop", "-o", "wide").stdout; !strings.Contains(out, "LAST SYNC") || !strings.Contains(out, "configmap/settings configured") {
		t.Errorf("get -o wide:\n%s", out)
	}
	if r := app("get", "shop", "-o", "table"); exitCode(r) == 0 || !strings.Contains(r.stderr, "unknown output format") {
		t.Errorf("get -o table: exit %d\n%s", exitCode(r), r)
	}

	// After a rollback the live state is the old revision while Git has the
	// new one: the app is OutOfSync, as in Argo CD.
	metrics := httpGet(t, "http://"+metricsAddr+"/metrics")
	for _, want := range []string{`argocd_app_info{`, `name="shop"`, `sync_status="OutOfSync"`, `argocd_app_sync_total{`, `rest_client_requests_total{`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if r := app("delete", "shop"); r.err != nil {
		t.Fatalf("delete: %s", r)
	}
	eventually(t, "cascade delete removes the ConfigMap", func() bool {
		return runCmd("kubectl", "--kubeconfig", kubeconfig, "get", "cm", "settings", "-n", "shop").err != nil
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url) //nolint:gosec // a loopback URL of the test's own
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
