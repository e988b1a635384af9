package health

import (
	"os"
	"path"
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
