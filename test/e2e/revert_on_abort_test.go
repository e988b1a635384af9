package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// webRollout is the platform's canary in miniature: a Rollout whose one
// analysis step asks a smoke endpoint; the endpoint says no.
func webRollout(image, smokeURL string) map[string]string {
	return map[string]string{
		"app/rollout.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "` + image + `"}]
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      steps:
      - setWeight: 50
      - analysis: {templates: [{templateName: smoke}]}
`,
		"app/services.yaml": `apiVersion: v1
kind: Service
metadata: {name: web-stable, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-canary, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
`,
		"app/smoke.yaml": `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke, namespace: shop}
spec:
  metrics:
  - name: smoke
    successCondition: result == true
    provider:
      web: {url: "` + smokeURL + `", jsonPath: "{$.ok}"}
`,
	}
}

// revertApp is an automated app over a repository served over HTTP with
// basic auth, opted in to revert-on-abort.
const revertApp = `apiVersion: v1
kind: Secret
metadata:
  name: platform-repo
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: repository}
stringData: {url: REPO, username: ci, password: s3cret}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
  annotations: {tiphys.io/revert-on-abort: "true"}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  source: {repoURL: REPO, path: app, targetRevision: main}
  syncPolicy:
    automated: {}
    syncOptions: [CreateNamespace=true]
`

// Given an app with revert-on-abort whose Rollout runs v1, When a commit
// ships a bad v2 whose canary analysis fails, Then the canary aborts,
// Tiphys pushes a revert commit (with the repository Secret's
// credentials) naming the Rollout and the failed analysis, the app syncs
// to it, and the Rollout is Healthy on the old ReplicaSet with no new one.
func TestRevertOnAbort(t *testing.T) {
	skipShort(t)
	smoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"ok": false}`)
	}))
	t.Cleanup(smoke.Close)
	dir, _, kubeconfig := startPlane(t)
	startController(t, kubeconfig, dir)
	kc := func(args ...string) string {
		return must(t, "kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	}

	work := gittest.New(t)
	v1 := work.Commit("web v1", webRollout("example.com/web:v1", smoke.URL))
	root := t.TempDir()
	bareDir := filepath.Join(root, "platform.git")
	work.Git("clone", "-q", "--bare", work.Dir, bareDir)
	bare := gittest.Open(t, bareDir)
	bare.Git("config", "http.receivepack", "true") // let Tiphys push over HTTP
	server := gittest.ServeHTTP(t, root, "ci", "s3cret")
	repoURL := server.URL + "/platform.git"
	appFile := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appFile, []byte(strings.ReplaceAll(revertApp, "REPO", repoURL)), 0o600); err != nil {
		t.Fatal(err)
	}
	kc("apply", "-f", appFile)
	rollout := func(path string) string {
		return runCmd("kubectl", "--kubeconfig", kubeconfig, "get", "rollout", "web", "-n", "shop", "-o", "jsonpath="+path).stdout
	}
	eventually(t, "v1 Healthy and stable", func() bool {
		return rollout("{.status.phase}") == "Healthy" && rollout("{.status.stableRS}") != ""
	})
	stable := rollout("{.status.stableRS}")
	stableUID := kc("get", "rs", "web-"+stable, "-n", "shop", "-o", "jsonpath={.metadata.uid}")

	v2 := work.Commit("web v2", webRollout("example.com/web:v2", smoke.URL))
	work.Git("push", "-q", bareDir, "main")
	var revert string
	eventually(t, "a revert commit on main", func() bool {
		revert = bare.Git("rev-parse", "main")
		return revert != v2
	})
	if parent := bare.Git("rev-parse", revert+"^"); parent != v2 {
		t.Errorf("revert's parent %s, want the bad commit %s", parent, v2)
	}
	msg := bare.Git("log", "-1", "--format=%an <%ae>%n%B", revert)
	for _, want := range []string{"Tiphys <tiphys@localhost>", "Revert shop: Rollout shop/web aborted at " + v2[:7], "smoke"} {
		if !strings.Contains(msg, want) {
			t.Errorf("revert commit message lacks %q:\n%s", want, msg)
		}
	}
	if got, want := bare.Git("show", revert+":app/rollout.yaml"), bare.Git("show", v1+":app/rollout.yaml"); got != want {
		t.Errorf("app/rollout.yaml after the revert differs from v1's")
	}
	eventually(t, "the app synced to the revert and the Rollout Healthy on the old ReplicaSet", func() bool {
		return runCmd("kubectl", "--kubeconfig", kubeconfig, "get", "app", "shop", "-n", "argocd", "-o", "jsonpath={.status.sync.revision}").stdout == revert &&
			rollout("{.status.phase}") == "Healthy" && rollout("{.status.currentPodHash}") == stable && rollout("{.status.stableRS}") == stable
	})
	if uid := kc("get", "rs", "web-"+stable, "-n", "shop", "-o", "jsonpath={.metadata.uid}"); uid != stableUID {
		t.Errorf("stable ReplicaSet replaced: uid %s, was %s", uid, stableUID)
	}
	if n := len(strings.Fields(kc("get", "rs", "-n", "shop", "-o", "name"))); n != 2 {
		t.Errorf("%d ReplicaSets, want 2 (v1 and the aborted v2; none made for the revert)", n)
	}
	if again := bare.Git("rev-parse", "main"); again != revert {
		t.Errorf("main moved on to %s after the revert: a second revert?", again)
	}
}
