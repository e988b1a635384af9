package health

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// firstGroups are the API groups the platform runs, listed first in the
// health issue: every Argo CD fixture of theirs must get Argo CD's status.
var firstGroups = []string{
	"cert-manager.io", "external-secrets.io", "argoproj.io", "serving.kserve.io", "serving.knative.dev",
	"operator.knative.dev", "networking.istio.io", "install.istio.io", "kubeflow.org", "keda.sh",
	"gateway.networking.k8s.io", "monitoring.coreos.com", "*.toolkit.fluxcd.io", "cluster.x-k8s.io",
	"*.cluster.x-k8s.io", "*.crossplane.io", "*.upbound.io", "batch", "apiextensions.k8s.io",
}

// With TIPHYS_ARGOCD_REPO naming an Argo CD checkout, every fixture of its
// resource_customizations is assessed (make conformance): all of the first
// groups' and at least 98 % of all must get Argo CD's status.
// TIPHYS_HEALTH_GROUP (a glob) logs only the matching groups' mismatches.
func TestArgoCDConformance(t *testing.T) {
	repo := os.Getenv("TIPHYS_ARGOCD_REPO")
	if repo == "" {
		t.Skip("TIPHYS_ARGOCD_REPO is not set")
	}
	c, err := RunConformance(repo)
	if err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("TIPHYS_HEALTH_GROUP")
	for _, g := range c.Groups {
		if only != "" {
			if ok, _ := path.Match(only, g.Group); !ok {
				continue
			}
		}
		t.Logf("%s: status %d/%d, message %d/%d", g.Group, g.Matched, g.Total, g.MessagesMatched, g.Total)
		for _, m := range g.Mismatches {
			got := "no health"
			if m.Got != nil {
				got = string(m.Got.Code) + " " + m.Got.Message
			}
			t.Logf("  %s\n    argo cd: %s %q\n    tiphys:  %s", m.File, m.Want.Code, m.Want.Message, got)
		}
		if first(g.Group) && g.Matched != g.Total {
			t.Errorf("%s: %d of %d fixtures get Argo CD's status, want all", g.Group, g.Matched, g.Total)
		}
	}
	total, matched, _ := c.Totals()
	if matched*100 < 98*total {
		t.Errorf("%d of %d fixtures get Argo CD's status, want at least 98 %%", matched, total)
	}
}

func first(group string) bool {
	for _, p := range firstGroups {
		if ok, _ := path.Match(p, group); ok {
			return true
		}
	}
	return false
}

// RunConformance over a checkout of our own making: a fixture that gets
// the expected status and message, one that does not, one being deleted,
// and broken ones that are reported and not counted.
func TestRunConformance(t *testing.T) {
	repo := t.TempDir()
	dir := filepath.Join(repo, "resource_customizations", "cert-manager.io", "Certificate")
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("testdata/ready.yaml", `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: a},
  status: {conditions: [{type: Ready, status: "True", message: issued}]}}`)
	write("testdata/deleting.yaml", `{apiVersion: cert-manager.io/v1, kind: Certificate,
  metadata: {name: b, deletionTimestamp: "2026-11-30T10:00:00Z"}}`)
	write("testdata/scalar.yaml", "42\n")
	write("health_test.yaml", `tests:
- {healthStatus: {status: Healthy, message: issued}, inputPath: testdata/ready.yaml}
- {healthStatus: {status: Degraded, message: nope}, inputPath: testdata/ready.yaml}
- {healthStatus: {status: Degraded, message: gone}, inputPath: testdata/deleting.yaml}
- {healthStatus: {status: Healthy}, inputPath: testdata/missing.yaml}
- {healthStatus: {status: Healthy}, inputPath: ../../../../etc/passwd}
- {healthStatus: {status: Healthy}, inputPath: testdata/scalar.yaml}
`)
	c, err := RunConformance(repo)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Groups) != 1 {
		t.Fatalf("groups %+v", c.Groups)
	}
	g := c.Groups[0]
	if g.Total != 3 || g.Matched != 1 || g.MessagesMatched != 1 || len(g.Mismatches) != 2 || len(g.Broken) != 3 {
		t.Fatalf("total %d, matched %d, messages %d, mismatches %d, broken %d; want 3, 1, 1, 2, 3",
			g.Total, g.Matched, g.MessagesMatched, len(g.Mismatches), len(g.Broken))
	}
	if m := g.Mismatches[1]; !m.Deleting || m.Got == nil || m.Got.Message != "Pending deletion" {
		t.Errorf("deleting fixture: %+v", m)
	}
	if _, err := RunConformance(filepath.Join(repo, "resource_customizations")); err == nil ||
		!strings.Contains(err.Error(), "give the repository's root") {
		t.Errorf("resource_customizations itself: %v", err)
	}
}
