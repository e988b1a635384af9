package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Given live objects and an argocd-cm with a Lua health check,
// when `tiphys admin health` runs, then each object shows the health the
// controller would give it, the Lua check included.
func TestAdminHealth(t *testing.T) {
	dir := t.TempDir()
	objects := filepath.Join(dir, "objects.yaml")
	cm := filepath.Join(dir, "argocd-cm.yaml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(objects, `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls, namespace: web}
status:
  conditions: [{type: Ready, status: "False", message: "issuer not found"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: web}
status:
  conditions: [{type: Complete, status: "True"}]
`)
	write(cm, `apiVersion: v1
kind: ConfigMap
metadata: {name: argocd-cm}
data:
  resource.customizations.health.cert-manager.io_Certificate: |
    local hs = {status = "Progressing", message = "Waiting"}
    for i, c in ipairs(obj.status.conditions) do
      if c.type == "Ready" and c.status == "False" then hs = {status = "Degraded", message = "lua: " .. c.message} end
    end
    return hs
`)
	health := func(out, name string) string {
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 4 && f[2] == name {
				return strings.Join(f[3:], " ")
			}
		}
		return ""
	}
	out := must(t, tiphys, "admin", "health", "-f", objects, "--argocd-cm", cm)
	if got := health(out, "web-tls"); got != "Degraded lua: issuer not found" {
		t.Errorf("web-tls with the Lua check: %q\n%s", got, out)
	}
	if got := health(out, "migrate"); got != "Healthy" {
		t.Errorf("migrate: %q\n%s", got, out)
	}
	// Without the Lua check the built-in cert-manager check applies: Ready
	// False is Degraded, as in Argo CD.
	out = must(t, tiphys, "admin", "health", "-f", objects)
	if got := health(out, "web-tls"); got != "Degraded issuer not found" {
		t.Errorf("web-tls without the Lua check: %q\n%s", got, out)
	}
}
