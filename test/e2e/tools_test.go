package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/testenv"
)

// Given the tools were built once (make test builds them first), when the
// build runs again into a new bin directory, then it builds nothing and links
// every binary from the cache.
func TestToolsComeFromTheCache(t *testing.T) {
	skipShort(t)
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	r := runCmd(filepath.Join(root, "tools", "build.sh"), bin)
	if r.err != nil {
		t.Fatalf("tools/build.sh: %s", r)
	}
	if strings.Contains(r.stderr+r.stdout, "building") {
		t.Errorf("second tools build rebuilt something:\n%s", r)
	}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "controller-gen", "kwok-stages/pod-ready.yaml"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			t.Errorf("%s not linked: %v", name, err)
		}
	}
}
