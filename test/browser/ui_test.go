package browser

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	stagingApp    = "order-service-staging"
	stagingValues = "environments/staging/order-service/values.yaml"
)

// world is the demo the UI test drives.
type world struct {
	t        *testing.T
	dir      string // the demo's state directory
	mgmt     string // the management plane's kubeconfig
	platform string // the working clone the user commits in
	url      string // the API server and UI
	password string // admin's
	shots    string // where the screenshots go
	c        client.Client
}

// TestUI is the UI's acceptance, in Chromium, on the demo platform with
// 1000 more apps: given the demo up and the apps compared, when the user
// filters the list, opens an app, sees its tree and diff and syncs it from
// the Sync panel, then the app is synced with the options picked; when a
// new version goes to staging, the Rollout view shows the canary paused at
// its step, a promote from the UI moves it to its analysis and the chart
// draws the measurements until it is Healthy; when the user rolls the app
// back from its history, a revert commit is in Git and the app syncs to it.
func TestUI(t *testing.T) {
	requireBrowser(t)
	w := startDemo(t)

	// 1000 lightweight apps sharing one Git path, manual sync: the
	// controller only compares them.
	prefix, n := "ui-bulk-", 1000
	createBulkApps(t, w, prefix, n)
	total := w.countApps()

	w.phase("list", "BULK_PREFIX="+prefix, "BULK_COUNT="+strconv.Itoa(n), "TOTAL_APPS="+strconv.Itoa(total))

	bulk := prefix + "0007"
	w.phase("app", "APP="+bulk)
	a := w.app(bulk)
	op := a.Status.OperationState
	if op == nil || op.Phase != "Succeeded" || a.Status.Sync.Status != "Synced" {
		t.Fatalf("%s after the UI's sync: operation %+v, sync %s; want Succeeded and Synced", bulk, op, a.Status.Sync.Status)
	}
	if s := op.Operation.Sync; s == nil || !s.Prune || s.SyncOptions == nil || !slices.Contains([]string(s.SyncOptions), "CreateNamespace=true") {
		t.Errorf("%s: the sync the UI asked is %+v, want prune and CreateNamespace=true", bulk, op.Operation.Sync)
	}
	if by := op.Operation.InitiatedBy.Username; by != "admin" {
		t.Errorf("%s: sync initiated by %q, want admin", bulk, by)
	}
	must(t, "kubectl", "--kubeconfig", w.mgmt, "get", "configmap", "ui-bulk", "-n", bulk)

	// A canary on staging's order-service, watched and promoted in the UI.
	before := w.app(stagingApp)
	good := w.ship("2.5.0")
	w.phase("rollout", "ROLLOUT="+stagingApp+"/order-service")
	image := must(t, "kubectl", "--kubeconfig", w.mgmt, "get", "rollout", "order-service", "-n", stagingApp,
		"-o", "jsonpath={.status.phase} {.spec.template.spec.containers[0].image}")
	if image != "Healthy ghcr.io/goreliable/order-service:2.5.0" {
		t.Fatalf("order-service after the canary: %q, want Healthy on 2.5.0", image)
	}
	if runs := must(t, "kubectl", "--kubeconfig", w.mgmt, "get", "analysisruns", "-n", stagingApp,
		"-o", "jsonpath={.items[*].status.phase}"); !strings.Contains(runs, "Successful") {
		t.Errorf("analysis runs of the canary: %q, want a Successful one", runs)
	}

	// The rollback to the revision before 2.5.0, from the history table.
	h := before.Status.History
	if len(h) == 0 {
		t.Fatalf("%s has no history before 2.5.0", stagingApp)
	}
	prev := h[len(h)-1].Revision
	reason := "2.5.0 looked wrong in the UI test"
	w.phase("rollback", "ROLLBACK_APP="+stagingApp, "ROLLBACK_REVISION="+prev, "ROLLBACK_REASON="+reason)
	must(t, "git", "-C", w.platform, "pull", "--quiet", "--ff-only")
	revert := strings.TrimSpace(must(t, "git", "-C", w.platform, "rev-parse", "HEAD"))
	if revert == good {
		t.Fatalf("no commit after the rollback: HEAD is still 2.5.0's %s", good)
	}
	msg := must(t, "git", "-C", w.platform, "log", "-1", "--format=%B")
	for _, want := range []string{"Rollback " + stagingApp + " to " + prev[:7], "Reason: " + reason} {
		if !strings.Contains(msg, want) {
			t.Errorf("the revert commit %s lacks %q:\n%s", revert, want, msg)
		}
	}
	values, err := os.ReadFile(filepath.Join(w.platform, stagingValues))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(values), `tag: "2.4.1"`) {
		t.Errorf("values after the revert:\n%s", values)
	}
	eventually(t, stagingApp+" synced to the revert commit", 3*time.Minute, func() bool {
		a := w.app(stagingApp)
		return a.Status.Sync.Status == "Synced" && a.Status.Sync.Revision == revert
	})
	t.Logf("screenshots in %s", w.shots)
}

// startDemo starts `tiphys local demo up` in a temporary directory and
// reads the API server's address and the admin password it printed.
func startDemo(t *testing.T) *world {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	t.Cleanup(func() { _ = command("", tiphys, "local", "demo", "down", "--dir", dir).Run() })
	out := must(t, tiphys, "local", "demo", "up", "--dir", dir,
		"--example", filepath.Join(root, "examples", "go-reliable-gitops"), "--bin-dir", binDir)
	m := regexp.MustCompile(`tiphys login (127\.0\.0\.1:\d+) --password-stdin`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no API server:\n%s", out)
	}
	w := &world{t: t, dir: dir, mgmt: filepath.Join(dir, "management", "kubeconfig"), platform: filepath.Join(dir, "platform"),
		url: "http://" + m[1], shots: os.Getenv("TIPHYS_UI_SCREENSHOTS")}
	b64 := must(t, "kubectl", "--kubeconfig", w.mgmt, "get", "secret", "argocd-initial-admin-secret", "-n", "argocd",
		"-o", "jsonpath={.data.password}")
	password, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	w.password = string(password)
	if w.shots == "" {
		if w.shots, err = os.MkdirTemp("", "tiphys-ui-screenshots-"); err != nil {
			t.Fatal(err)
		}
	}
	w.c = kubeClient(t, w.mgmt)
	return w
}

// phase runs one phase of ui/e2e/ui.mjs in Chromium.
func (w *world) phase(name string, env ...string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(root, "ui", "e2e", "ui.mjs"), name)
	cmd.Env = append(os.Environ(), append(env, "TIPHYS_URL="+w.url, "TIPHYS_PASSWORD="+w.password, "SCREENSHOTS="+w.shots)...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("UI phase %s: %v\n%s(screenshots in %s)", name, err, out, w.shots)
	}
	w.t.Logf("UI phase %s in %s", name, time.Since(start).Round(time.Second))
}

// app reads an Application.
func (w *world) app(name string) *v1alpha1.Application {
	w.t.Helper()
	a := &v1alpha1.Application{}
	if err := w.c.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: name}, a); err != nil {
		w.t.Fatalf("get app %s: %v", name, err)
	}
	return a
}

func (w *world) countApps() int {
	w.t.Helper()
	var list v1alpha1.ApplicationList
	if err := w.c.List(context.Background(), &list, client.InNamespace("argocd")); err != nil {
		w.t.Fatal(err)
	}
	return len(list.Items)
}

// ship promotes tag into staging's order-service through Git, as the
// platform's CI does, and waits for the app to sync it; it returns the commit.
func (w *world) ship(tag string) string {
	w.t.Helper()
	must(w.t, tiphys, "promote", "--repo", w.platform, "--file", stagingValues,
		"--set", "image.tag="+tag, "--message", "order-service "+tag+" to staging", "--push")
	sha := strings.TrimSpace(must(w.t, "git", "-C", w.platform, "rev-parse", "HEAD"))
	eventually(w.t, stagingApp+" synced to "+tag, 2*time.Minute, func() bool {
		a := w.app(stagingApp)
		return a.Status.Sync.Status == "Synced" && a.Status.Sync.Revision == sha
	})
	return sha
}
