package version

import (
	"os"
	"regexp"
	"testing"
)

// The control plane binaries and the Kubernetes version reported must not drift apart.
func TestKubernetesMatchesTools(t *testing.T) {
	b, err := os.ReadFile("../../tools/build.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^KUBE_VERSION=(\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("tools/build.sh sets no KUBE_VERSION")
	}
	if string(m[1]) != Kubernetes {
		t.Fatalf("tools/build.sh builds Kubernetes %s, version.Kubernetes says %s", m[1], Kubernetes)
	}
}
