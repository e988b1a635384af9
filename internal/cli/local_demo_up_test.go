package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo's closing lines print the management plane's KUBECONFIG so that
// it still holds after a cd: after $PWD when the directory is under the
// working directory, as it is otherwise.
func TestPrintDemoNextKubeconfig(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	other := t.TempDir()
	tests := []struct {
		name, dir, want string
	}{
		{"under the working directory", filepath.Join(wd, ".state", "demo"), "export KUBECONFIG=$PWD/.state/demo/management/kubeconfig "},
		{"the working directory", wd, "export KUBECONFIG=$PWD/management/kubeconfig "},
		{"elsewhere", other, "export KUBECONFIG=" + filepath.Join(other, "management", "kubeconfig") + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			printDemoNext(&out, tt.dir, true, "127.0.0.1:8080", time.Second)
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}
