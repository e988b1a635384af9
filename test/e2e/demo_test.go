package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/testenv"
)

// TestDemo is `make demo` headless and the demo's steps, the longest e2e
// test (about seven minutes on two cores): given the example platform, when
// `tiphys local demo up` returns, then every Application is Synced and
// Healthy, staging's services run on the management plane and production's
// on the workload plane; then a good version, a bad one and a rollback go
// through Git (runPlatformSteps); and `tiphys local demo down` (twice)
// leaves no process of the demo behind.
func TestDemo(t *testing.T) {
	skipShort(t)
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	t.Cleanup(func() { runCmd(tiphys, "local", "demo", "down", "--dir", dir) })

	out := must(t, tiphys, "local", "demo", "up", "--dir", dir,
		"--example", filepath.Join(root, "examples", "go-reliable-gitops"), "--bin-dir", binDir)
	if !strings.Contains(out, "every Application is Synced and Healthy") {
		t.Fatalf("demo up printed:\n%s", out)
	}
	mgmt := filepath.Join(dir, "management", "kubeconfig")
	work := filepath.Join(dir, "workload", "kubeconfig")

	var apps struct {
		Items []struct {
			Metadata struct{ Name string }
			Spec     struct {
				Destination struct{ Name, Namespace string }
			}
			Status struct {
				Sync       struct{ Status string }
				Health     struct{ Status string }
				Conditions []struct{ Type, Message string }
			}
		}
	}
	if err := json.Unmarshal([]byte(must(t, "kubectl", "--kubeconfig", mgmt, "get", "applications", "-n", "argocd", "-o", "json")), &apps); err != nil {
		t.Fatal(err)
	}
	if len(apps.Items) < 30 {
		t.Errorf("%d Applications, want the platform's 33", len(apps.Items))
	}
	services := 0
	for _, a := range apps.Items {
		if a.Status.Sync.Status != "Synced" || a.Status.Health.Status != "Healthy" {
			t.Errorf("app %s: %s %s, want Synced Healthy", a.Metadata.Name, a.Status.Sync.Status, a.Status.Health.Status)
		}
		for _, c := range a.Status.Conditions {
			if strings.HasSuffix(c.Type, "Error") {
				t.Errorf("app %s: condition %s: %s", a.Metadata.Name, c.Type, c.Message)
			}
		}
		// The microservice apps are named as their namespaces, <service>-<env>.
		name := a.Metadata.Name
		if name != a.Spec.Destination.Namespace || !strings.HasSuffix(name, "-staging") && !strings.HasSuffix(name, "-production") {
			continue
		}
		services++
		kubeconfig, want := mgmt, "in-cluster"
		if strings.HasSuffix(a.Metadata.Name, "-production") {
			kubeconfig, want = work, "workload"
		}
		if a.Spec.Destination.Name != want {
			t.Errorf("app %s: destination %q, want %q", a.Metadata.Name, a.Spec.Destination.Name, want)
		}
		service := a.Metadata.Name[:strings.LastIndex(a.Metadata.Name, "-")]
		phase := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "rollout", service, "-n", a.Metadata.Name,
			"-o", "jsonpath={.status.phase}")
		if phase != "Healthy" {
			t.Errorf("rollout %s/%s on %s: phase %q, want Healthy", a.Metadata.Name, service, want, phase)
		}
	}
	if services != 8 {
		t.Errorf("%d microservice apps (named as their namespace), want 8", services)
	}
	if t.Failed() {
		return
	}
	runPlatformSteps(t, &demoPlatform{t: t, dir: dir, mgmt: mgmt, work: work, platform: filepath.Join(dir, "platform")})

	must(t, tiphys, "local", "demo", "down", "--dir", dir)
	must(t, tiphys, "local", "demo", "down", "--dir", dir)
	if left := processesMentioning(dir); len(left) > 0 {
		t.Errorf("processes left after demo down:\n%s", strings.Join(left, "\n"))
	}
}
