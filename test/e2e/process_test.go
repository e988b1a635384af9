package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// startPlane starts a local plane with the CRDs installed in a directory
// of the test's own, stopped when the test ends; it returns that
// directory, the plane's and the kubeconfig.
func startPlane(t *testing.T) (dir, plane, kubeconfig string) {
	t.Helper()
	dir = t.TempDir()
	plane = filepath.Join(dir, "plane")
	t.Cleanup(func() { runCmd(tiphys, "local", "down", "--dir", plane) })
	must(t, tiphys, "local", "up", "--dir", plane, "--detach")
	kubeconfig = filepath.Join(plane, "kubeconfig")
	must(t, tiphys, "install", "--kubeconfig", kubeconfig)
	return dir, plane, kubeconfig
}

// controllerProcess is a `tiphys controller` the test runs, stops and
// starts again.
type controllerProcess struct {
	kubeconfig, dir, metricsAddr string
	// args are more flags (a later --resync overrides the default's).
	args []string
	cmd  *exec.Cmd
	log  *os.File
}

// startController runs a controller against kubeconfig (resync 2 s, its Git
// cache and log in dir, then args); the test's cleanup stops it.
func startController(t *testing.T, kubeconfig, dir string, args ...string) *controllerProcess {
	t.Helper()
	c := &controllerProcess{kubeconfig: kubeconfig, dir: dir, metricsAddr: freeAddr(t), args: args}
	c.start(t)
	t.Cleanup(c.stop)
	return c
}

func (c *controllerProcess) start(t *testing.T) {
	t.Helper()
	args := []string{"controller", "--kubeconfig", c.kubeconfig, "--resync", "2s", "--git-poll", "2s",
		"--cache-dir", filepath.Join(c.dir, "controller-cache"), "--metrics-addr", c.metricsAddr}
	c.cmd = exec.Command(tiphys, append(args, c.args...)...)
	var err error
	if c.log, err = os.OpenFile(filepath.Join(c.dir, "controller.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		t.Fatal(err)
	}
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

// kill ends the controller at once (SIGKILL), wherever it is.
func (c *controllerProcess) kill() {
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
		_ = c.cmd.Wait()
		_ = c.log.Close()
		c.cmd = nil
	}
}

func (c *controllerProcess) stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		_ = c.cmd.Wait()
		_ = c.log.Close()
		c.cmd = nil
	}
}
