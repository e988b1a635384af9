package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// gatedApp has a PreSync hook Pod that can run only on a node labelled
// tiphys.io/gate=open, so the test decides when the hook finishes.
func gatedApp(version string) map[string]string {
	return map[string]string{
		"app/hook.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: gate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  nodeSelector: {tiphys.io/gate: open}
  containers: [{name: gate, image: busybox:1.36}]
`,
		"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {version: " + version + "}\n",
	}
}

const faultApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: NAME
  namespace: argocd
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: NAME}
  source: {repoURL: REPO, path: app, targetRevision: main}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
`

// Given a local plane, a running controller and automated apps,
// when the controller is killed in the middle of a PreSync hook and started
// again, the operation resumes and the hook is not run a second time;
// when the API server (the whole plane) stops and starts again, nothing is
// lost and drift is still healed;
// when the app's repository becomes unreachable, the app reports it and
// nothing is pruned;
// when the controller restarts with every app synced, it writes nothing.
func TestFaultsSurvived(t *testing.T) {
	skipShort(t)
	dir, plane, kubeconfig := startPlane(t)
	kubectl := func(args ...string) result {
		return runCmd("kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	}
	controller := startController(t, kubeconfig, dir)

	repo := gittest.New(t)
	repo.Commit("v1", gatedApp("v1"))
	names := []string{"gated", "calm-1", "calm-2", "calm-3"}
	for _, name := range names {
		manifest := strings.NewReplacer("NAME", name, "REPO", repo.URL()).Replace(faultApp)
		if name != "gated" {
			manifest = strings.Replace(manifest, "path: app", "path: calm", 1)
		}
		file := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
			t.Fatal(err)
		}
		if r := kubectl("apply", "-f", file); r.err != nil {
			t.Fatal(r)
		}
	}
	repo.Commit("calm apps", map[string]string{"calm/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: calm}\ndata: {a: b}\n"})
	jsonpath := func(args ...string) string {
		r := kubectl(args...)
		return strings.TrimSpace(r.stdout)
	}

	// Mid-hook kill: the hook runs (its Pod waits for a node), the
	// controller dies, a new one takes over.
	eventually(t, "the PreSync hook Pod created", func() bool {
		return jsonpath("get", "pod", "gate", "-n", "gated", "-o", "jsonpath={.metadata.uid}") != ""
	})
	hookUID := jsonpath("get", "pod", "gate", "-n", "gated", "-o", "jsonpath={.metadata.uid}")
	eventually(t, "the operation records the running hook", func() bool {
		return strings.Contains(jsonpath("get", "application", "gated", "-n", "argocd", "-o", "jsonpath={.status.operationState.syncResult.resources[*].hookPhase}"), "Running")
	})
	controller.kill()
	controller.start(t)
	node := jsonpath("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")
	if r := kubectl("label", "node", node, "tiphys.io/gate=open"); r.err != nil {
		t.Fatal(r)
	}
	eventually(t, "the resumed sync succeeded", func() bool {
		return jsonpath("get", "application", "gated", "-n", "argocd", "-o", "jsonpath={.status.operationState.phase}") == "Succeeded"
	})
	if uid := jsonpath("get", "pod", "gate", "-n", "gated", "-o", "jsonpath={.metadata.uid}"); uid != hookUID {
		t.Errorf("the hook ran again after the restart: Pod UID %s, was %s", uid, hookUID)
	}
	for _, name := range names {
		eventually(t, name+" Synced and Healthy", func() bool {
			return jsonpath("get", "application", name, "-n", "argocd", "-o", "jsonpath={.status.sync.status} {.status.health.status}") == "Synced Healthy"
		})
	}
	cmUID := jsonpath("get", "cm", "settings", "-n", "gated", "-o", "jsonpath={.metadata.uid}")

	// The API server goes away and comes back: nothing lost, drift healed.
	must(t, tiphys, "local", "down", "--dir", plane)
	must(t, tiphys, "local", "up", "--dir", plane, "--detach")
	if uid := jsonpath("get", "cm", "settings", "-n", "gated", "-o", "jsonpath={.metadata.uid}"); uid != cmUID {
		t.Fatalf("the ConfigMap changed over the restart: UID %q, was %q", uid, cmUID)
	}
	back := time.Now()
	if r := kubectl("delete", "cm", "calm", "-n", "calm-1"); r.err != nil {
		t.Fatal(r)
	}
	eventually(t, "drift after the restart healed", func() bool {
		return jsonpath("get", "cm", "calm", "-n", "calm-1", "-o", "jsonpath={.data.a}") == "b"
	})
	t.Logf("drift made right after the API server came back was healed in %s", time.Since(back).Round(10*time.Millisecond))

	// The repository becomes unreachable: the app says so, nothing pruned.
	hidden := repo.Dir + ".away"
	if err := os.Rename(repo.Dir, hidden); err != nil {
		t.Fatal(err)
	}
	if r := kubectl("annotate", "application", "gated", "-n", "argocd", "argocd.argoproj.io/refresh=normal", "--overwrite"); r.err != nil {
		t.Fatal(r)
	}
	eventually(t, "a ComparisonError for the unreachable repository", func() bool {
		return strings.Contains(jsonpath("get", "application", "gated", "-n", "argocd", "-o", "jsonpath={.status.conditions[*].type}"), "ComparisonError")
	})
	if uid := jsonpath("get", "cm", "settings", "-n", "gated", "-o", "jsonpath={.metadata.uid}"); uid != cmUID {
		t.Errorf("an unreachable repository changed the app's objects: UID %q, was %q", uid, cmUID)
	}
	if err := os.Rename(hidden, repo.Dir); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the app compares again once the repository is back", func() bool {
		return jsonpath("get", "application", "gated", "-n", "argocd", "-o", "jsonpath={.status.sync.status}") == "Synced"
	})

	// A restart with every app synced writes nothing: the new controller
	// reconciles each app (its argocd_app_info series appear) and leaves
	// every resourceVersion as it was.
	versions := func() string {
		var out []string
		for _, name := range names {
			out = append(out, jsonpath("get", "application", name, "-n", "argocd", "-o", "jsonpath={.metadata.resourceVersion}"),
				jsonpath("get", "cm", "-n", name, "-o", "jsonpath={.items[*].metadata.resourceVersion}"))
		}
		return strings.Join(out, " ")
	}
	eventually(t, "every app settled", func() bool {
		before := versions()
		for _, name := range names {
			if jsonpath("get", "application", name, "-n", "argocd", "-o", "jsonpath={.status.sync.status} {.status.health.status}") != "Synced Healthy" {
				return false
			}
		}
		return versions() == before
	})
	before := versions()
	controller.stop()
	controller.start(t)
	eventually(t, "the new controller reconciled every app", func() bool {
		return strings.Count(metricsText(controller.metricsAddr), "argocd_app_info{") >= len(names)
	})
	if after := versions(); after != before {
		t.Errorf("a restart with every app synced wrote to the cluster:\nbefore %s\nafter  %s", before, after)
	}
}

// metricsText is the controller's /metrics page, "" while it does not answer.
func metricsText(addr string) string {
	resp, err := http.Get("http://" + addr + "/metrics") //nolint:gosec // a loopback URL of the test's own
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
