// Package browser tests the web UI in a real browser: Debian's Chromium,
// headless, driven by ui/e2e/*.mjs (playwright-core) against `tiphys
// server` on the demo platform, the Go test changing the world between the
// script's phases and asserting its state after them.
//
// Without /usr/bin/chromium or node the tests skip, unless
// TIPHYS_REQUIRE_BROWSER is set (make test sets it), when they fail.
package browser

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/tiphys/tiphys/internal/testenv"
)

var (
	tiphys  string // the tiphys binary under test, with the UI built in
	binDir  string // the control plane binaries
	root    string // the module root
	missing string // why the browser tests cannot run, when they cannot
)

const chromium = "/usr/bin/chromium"

func TestMain(m *testing.M) {
	flag.Parse()
	// The test's Kubernetes client logs nothing worth reading.
	ctrllog.SetLogger(logr.Discard())
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := os.Stat(chromium); err != nil {
		missing = chromium + " is missing (make test-deps installs Debian's chromium)"
	} else if _, err := exec.LookPath("node"); err != nil {
		missing = "node is missing"
	}
	if missing != "" || testing.Short() {
		return m.Run()
	}
	var err error
	if root, err = testenv.ModuleRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 1
	}
	if binDir, err = testenv.BinDir(); err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "tiphys-browser-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	tiphys = filepath.Join(tmp, "tiphys")
	if err := buildUI(); err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 1
	}
	if err := testenv.BuildTiphys(tiphys); err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 1
	}
	return m.Run()
}

// buildUI builds ui/dist as `make build` does (npm ci when node_modules is
// missing), so that the binary under test embeds the current sources.
func buildUI() error {
	dir := filepath.Join(root, "ui")
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		if out, err := command(dir, "npm", "ci", "--no-audit", "--no-fund").CombinedOutput(); err != nil {
			return fmt.Errorf("npm ci: %w\n%s", err, out)
		}
	}
	if out, err := command(dir, "npm", "run", "build").CombinedOutput(); err != nil {
		return fmt.Errorf("npm run build: %w\n%s", err, out)
	}
	return nil
}

func command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TIPHYS_BIN_DIR="+binDir)
	return cmd
}

// requireBrowser skips the test when the browser cannot run, or fails it
// when TIPHYS_REQUIRE_BROWSER says it must.
func requireBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	if missing == "" {
		return
	}
	if os.Getenv("TIPHYS_REQUIRE_BROWSER") != "" {
		t.Fatalf("TIPHYS_REQUIRE_BROWSER is set but %s", missing)
	}
	t.Skip(missing)
}

// must runs a command and fails the test when it fails; it returns stdout.
func must(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := command("", name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// eventually polls cond every second until timeout.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("%s: not within %s", what, timeout)
}
