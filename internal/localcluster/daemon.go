package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DetachOptions configure Detach.
type DetachOptions struct {
	// Dir is the plane's state directory.
	Dir string
	// Command runs the plane in the foreground (tiphys local up without --detach).
	Command []string
	// Timeout bounds the wait for the plane to become ready (default 5m).
	Timeout time.Duration
}

// Detach starts Command as a background supervisor in a session of its own
// and returns the kubeconfig path once the plane is ready. If the supervisor
// exits first, the error carries the end of its log.
func Detach(ctx context.Context, o DetachOptions) (string, error) {
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return "", fmt.Errorf("local cluster: state directory %q: %w", o.Dir, err)
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if pid, ok := ownerPid(dir); ok {
		return "", fmt.Errorf("local cluster: %s is in use by process %d (tiphys local down --dir %s)", dir, pid, dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o700); err != nil {
		return "", fmt.Errorf("local cluster: create %s: %w", dir, err)
	}
	_ = os.Remove(readyPath(dir))
	logPath := filepath.Join(dir, "logs", "supervisor.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("local cluster: open %s: %w", logPath, err)
	}
	defer logFile.Close()
	cmd := exec.Command(o.Command[0], o.Command[1:]...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = detachedProcAttr()
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("local cluster: start supervisor: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.After(o.Timeout)
	for {
		if b, err := os.ReadFile(readyPath(dir)); err == nil {
			return strings.TrimSpace(string(b)), nil
		}
		select {
		case err := <-exited:
			return "", fmt.Errorf("local cluster: supervisor exited (%v); last lines of %s:\n%s",
				err, logPath, tailFile(logPath, logTailLines))
		case <-deadline:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return "", fmt.Errorf("local cluster: not ready after %s; last lines of %s:\n%s",
				o.Timeout, logPath, tailFile(logPath, logTailLines))
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Down stops the plane in dir: it asks its supervisor to stop, waits, and
// then kills whatever program of the plane is left. A directory with no
// running plane is not an error.
func Down(ctx context.Context, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("local cluster: state directory %q: %w", dir, err)
	}
	if pid, ok := ownerPid(dir); ok {
		if pid == os.Getpid() {
			return errors.New("local cluster: Down called by the plane's own supervisor; use Stop")
		}
		_ = syscall.Kill(pid, syscall.SIGTERM)
		if !waitGone(ctx, pid, time.Minute) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			waitGone(ctx, pid, 10*time.Second)
		}
	}
	// Programs whose supervisor was killed die with it (Pdeathsig); this
	// sweeps up any that did not, such as on systems without it.
	pids, _ := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
	for _, f := range pids {
		if pid, ok := readPid(f); ok && alive(pid) && cmdlineMentions(pid, dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			waitGone(ctx, pid, 10*time.Second)
		}
		_ = os.Remove(f)
	}
	_ = os.Remove(ownerPath(dir))
	_ = os.Remove(readyPath(dir))
	return nil
}

// ownerPid returns the live process that owns dir, if any.
func ownerPid(dir string) (int, bool) {
	pid, ok := readPid(ownerPath(dir))
	if !ok || !alive(pid) {
		return 0, false
	}
	return pid, true
}

func readPid(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil && pid > 0
}

// alive reports whether pid runs and is not a zombie.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no procfs: trust the signal check
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

func cmdlineMentions(pid int, dir string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(b), dir)
}

func waitGone(ctx context.Context, pid int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return !alive(pid)
}
