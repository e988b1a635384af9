package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	checkDemoServer(t, out, dir, mgmt, len(apps.Items))
	runPlatformSteps(t, &demoPlatform{t: t, dir: dir, mgmt: mgmt, work: work, platform: filepath.Join(dir, "platform")})

	must(t, tiphys, "local", "demo", "down", "--dir", dir)
	must(t, tiphys, "local", "demo", "down", "--dir", dir)
	if left := processesMentioning(dir); len(left) > 0 {
		t.Errorf("processes left after demo down:\n%s", strings.Join(left, "\n"))
	}
}

// checkDemoServer logs in to the API server the demo printed, with the
// initial admin password, and lists the platform's apps through it.
func checkDemoServer(t *testing.T, out, dir, kubeconfig string, apps int) {
	t.Helper()
	m := regexp.MustCompile(`tiphys login (127\.0\.0\.1:\d+) --password-stdin`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no API server:\n%s", out)
	}
	b64 := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "secret", "argocd-initial-admin-secret", "-n", "argocd",
		"-o", "jsonpath={.data.password}")
	password, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tiphys, "login", m[1], "--password-stdin")
	cmd.Env = append(os.Environ(), "TIPHYS_CONFIG="+filepath.Join(dir, "tiphys-config.json"))
	cmd.Stdin = strings.NewReader(string(password) + "\n")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tiphys login %s: %v\n%s", m[1], err, b)
	}
	list := exec.Command(tiphys, "app", "list", "--server", m[1], "-o", "json")
	list.Env = cmd.Env
	b, err := list.Output()
	if err != nil {
		t.Fatalf("app list through the server: %v", err)
	}
	var items []struct{ Metadata struct{ Name string } }
	if err := json.Unmarshal(b, &items); err != nil || len(items) != apps {
		t.Errorf("app list through the server: %d apps (%v), want %d", len(items), err, apps)
	}
}
