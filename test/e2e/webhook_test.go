package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// webhookApp is an automated Application on PATH of REPO, refreshed by
// pushes under its own path only.
const webhookApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: NAME
  namespace: argocd
  annotations: {argocd.argoproj.io/manifest-generate-paths: .}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: NAME}
  source: {repoURL: REPO, path: PATH, targetRevision: main}
  syncPolicy: {automated: {}, syncOptions: [CreateNamespace=true]}
`

// Given a controller that compares only when told (resync and Git polling
// 10 minutes), the server with webhook.generic.secret set, and three
// automated apps: a1 and a2 on apps/a, b1 on apps/b, all Synced,
// when a commit changes apps/a and a push arrives with a wrong signature,
// then it is refused with 401 and no app is refreshed;
// when the same push arrives signed,
// then the answer names exactly a1 and a2, both sync the new commit (the
// time from the push is logged: the issue asks for 2 s), and b1 is left
// alone at the first commit.
func TestWebhookSyncsTouchedApps(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	startController(t, kubeconfig, dir, "--resync", "10m", "--git-poll", "10m")
	base := startServer(t, dir, kubeconfig)
	kubectl := func(args ...string) string {
		return must(t, "kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	}
	kubectl("-n", "argocd", "patch", "secret", "argocd-secret", "-p", `{"stringData":{"webhook.generic.secret":"push-secret"}}`)

	work := gittest.New(t)
	first := work.Commit("v1", map[string]string{
		"apps/a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {version: v1}\n",
		"apps/b/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {version: v1}\n",
	})
	bare := filepath.Join(dir, "platform.git")
	work.Git("clone", "-q", "--bare", work.Dir, bare)
	work.Git("remote", "add", "origin", bare)
	repoURL := "file://" + bare
	var apps strings.Builder
	for _, a := range [][2]string{{"a1", "apps/a"}, {"a2", "apps/a"}, {"b1", "apps/b"}} {
		apps.WriteString(strings.NewReplacer("NAME", a[0], "PATH", a[1], "REPO", repoURL).Replace(webhookApp) + "---\n")
	}
	appFile := filepath.Join(dir, "apps.yaml")
	if err := os.WriteFile(appFile, []byte(apps.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl("apply", "-f", appFile)
	synced := func(name, rev string) bool {
		out := runCmd("kubectl", "--kubeconfig", kubeconfig, "-n", "argocd", "get", "app", name,
			"-o", "jsonpath={.status.sync.status} {.status.sync.revision}").stdout
		return out == "Synced "+rev
	}
	for _, name := range []string{"a1", "a2", "b1"} {
		eventually(t, name+" Synced at the first commit", func() bool { return synced(name, first) })
	}

	second := work.Commit("v2", map[string]string{"apps/a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {version: v2}\n"})
	work.Git("push", "-q", "origin", "HEAD:main")
	push := `{"repository":"` + repoURL + `","revision":"main","commit":"` + second + `","paths":["apps/a/cm.yaml"]}`
	post := func(signature string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", base+"/api/webhook", strings.NewReader(push))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Tiphys-Signature", signature)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if status, body := post("sha256=" + strings.Repeat("0", 64)); status != 401 {
		t.Fatalf("push with a wrong signature: %d %v, want 401", status, body)
	}
	for _, name := range []string{"a1", "a2", "b1"} {
		if got := kubectl("-n", "argocd", "get", "app", name, "-o", "jsonpath={.metadata.annotations.argocd\\.argoproj\\.io/refresh}"); got != "" {
			t.Errorf("%s refreshed (%q) by a refused push", name, got)
		}
	}

	mac := hmac.New(sha256.New, []byte("push-secret"))
	mac.Write([]byte(push))
	pushed := time.Now()
	status, body := post("sha256=" + hex.EncodeToString(mac.Sum(nil)))
	if status != 200 {
		t.Fatalf("signed push: %d %v", status, body)
	}
	var refreshed []string
	if r, ok := body["refreshed"].(map[string]any); ok {
		for _, a := range r["applications"].([]any) {
			refreshed = append(refreshed, a.(string))
		}
	}
	slices.Sort(refreshed)
	if strings.Join(refreshed, ",") != "argocd/a1,argocd/a2" {
		t.Errorf("refreshed %v, want argocd/a1 and argocd/a2 (answer %v)", refreshed, body)
	}
	for _, name := range []string{"a1", "a2"} {
		eventually(t, name+" Synced at the pushed commit", func() bool { return synced(name, second) })
	}
	t.Logf("a1 and a2 synced %v after the push (the issue asks for 2 s)", time.Since(pushed).Round(time.Millisecond))
	if got := kubectl("-n", "a1", "get", "configmap", "settings", "-o", "jsonpath={.data.version}"); got != "v2" {
		t.Errorf("a1's ConfigMap has version %q, want v2", got)
	}
	if !synced("b1", first) {
		t.Errorf("b1 moved off the first commit though the push did not touch apps/b")
	}
}
