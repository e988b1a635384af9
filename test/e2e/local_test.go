package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`

// Given a fresh directory,
// when `tiphys local up --detach --nodes 2` returns,
// then kubectl sees server v1.37.2 and 2 Ready nodes, a 3-replica Deployment
// becomes Available, `tiphys install` succeeds twice,
// and after `tiphys local down` none of the plane's processes runs.
func TestLocalUpDeployDown(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "plane")
	t.Cleanup(func() { runCmd(tiphys, "local", "down", "--dir", dir) })

	out := must(t, tiphys, "local", "up", "--dir", dir, "--detach", "--nodes", "2")
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if !strings.Contains(out, "export KUBECONFIG="+kubeconfig) {
		t.Errorf("up output does not point at the kubeconfig:\n%s", out)
	}
	if env := must(t, tiphys, "local", "env", "--dir", dir); strings.TrimSpace(env) != "export KUBECONFIG="+kubeconfig {
		t.Errorf("local env = %q", env)
	}

	var version struct {
		ServerVersion struct{ GitVersion string } `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(must(t, "kubectl", "--kubeconfig", kubeconfig, "version", "-o", "json")), &version); err != nil {
		t.Fatal(err)
	}
	if version.ServerVersion.GitVersion != "v1.37.2" {
		t.Errorf("server version = %q, want v1.37.2", version.ServerVersion.GitVersion)
	}
	ready := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "nodes",
		"-o", `jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}`)
	if strings.Fields(ready) == nil || len(strings.Fields(ready)) != 2 || strings.Count(ready, "True") != 2 {
		t.Errorf("node Ready statuses = %q, want two True", ready)
	}

	manifest := filepath.Join(t.TempDir(), "deploy.yaml")
	if err := os.WriteFile(manifest, []byte(deployment), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", manifest)
	must(t, "kubectl", "--kubeconfig", kubeconfig, "wait", "deployment/web", "--for=condition=Available", "--timeout=90s")
	if avail := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "deployment", "web", "-o", "jsonpath={.status.availableReplicas}"); avail != "3" {
		t.Errorf("available replicas = %q, want 3", avail)
	}

	for range 2 {
		out := must(t, tiphys, "install", "--kubeconfig", kubeconfig)
		if !strings.Contains(out, "applied CustomResourceDefinition applications.argoproj.io") {
			t.Errorf("install output:\n%s", out)
		}
	}
	crds := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "crd", "-o", "name")
	for _, crd := range []string{"applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"} {
		if !strings.Contains(crds, crd) {
			t.Errorf("CRD %s missing after install:\n%s", crd, crds)
		}
	}

	if r := runCmd(tiphys, "local", "up", "--dir", dir, "--detach"); r.err == nil || !strings.Contains(r.stderr, "in use") {
		t.Errorf("a second up on a running directory was not refused: %s", r)
	}

	must(t, tiphys, "local", "down", "--dir", dir)
	if left := processesMentioning(dir); len(left) > 0 {
		t.Errorf("processes left after down:\n%s", strings.Join(left, "\n"))
	}
	if r := runCmd("kubectl", "--kubeconfig", kubeconfig, "get", "ns", "--request-timeout=3s"); r.err == nil {
		t.Error("the API still answers after down")
	}
}

// Given a plane whose supervisor was killed outright, `tiphys local down`
// still leaves none of its processes running.
func TestDownAfterSupervisorKilled(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "plane")
	t.Cleanup(func() { runCmd(tiphys, "local", "down", "--dir", dir) })
	must(t, tiphys, "local", "up", "--dir", dir, "--detach")
	pid, err := os.ReadFile(filepath.Join(dir, "plane.pid"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, "kill", "-9", strings.TrimSpace(string(pid)))
	must(t, tiphys, "local", "down", "--dir", dir)
	if left := processesMentioning(dir); len(left) > 0 {
		t.Errorf("processes left after down:\n%s", strings.Join(left, "\n"))
	}
}
