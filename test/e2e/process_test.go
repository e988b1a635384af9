package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// controllerProcess is a `tiphys controller` the test runs, stops and
// starts again.
type controllerProcess struct {
	kubeconfig, dir, metricsAddr string
	cmd                          *exec.Cmd
	log                          *os.File
}

// startController runs a controller against kubeconfig (resync 2 s, its Git
// cache and log in dir); the test's cleanup stops it.
func startController(t *testing.T, kubeconfig, dir string) *controllerProcess {
	t.Helper()
	c := &controllerProcess{kubeconfig: kubeconfig, dir: dir, metricsAddr: freeAddr(t)}
	c.start(t)
	t.Cleanup(c.stop)
	return c
}

func (c *controllerProcess) start(t *testing.T) {
	t.Helper()
	c.cmd = exec.Command(tiphys, "controller", "--kubeconfig", c.kubeconfig, "--resync", "2s",
		"--cache-dir", filepath.Join(c.dir, "controller-cache"), "--metrics-addr", c.metricsAddr)
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
