package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// The demo: the example platform (examples/go-reliable-gitops) on two local
// planes, a management plane running the controller and a workload plane
// registered as the cluster "workload", synced from a local Git repository
// served over HTTP. Every file lives in the demo directory:
//
//	management/, workload/   the planes' state directories
//	git/platform.git         the bare repository the controllers pull from
//	platform/                a working clone the user edits, commits and pushes
//	cache/, workload-cache/  the controllers' Git caches
//	*.log, *.pid             the detached processes (controllers, Git server)
const (
	demoManagement = "management"
	demoWorkload   = "workload"
	demoRepoName   = "platform.git"
)

// demoProcesses are the detached processes of a demo besides the planes, by
// the name of their pid and log files, stopped in this order.
var demoProcesses = []string{"controller", "workload-controller", "server", "git-server", "prometheus", "exporter"}

func newLocalDemoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the example platform on two local planes (make demo)",
		Long: `Run examples/go-reliable-gitops on a management plane and a workload plane,
synced by the controller from a local Git repository served over HTTP.`,
	}
	cmd.AddCommand(newLocalDemoUpCmd(), newLocalDemoDownCmd(), newLocalDemoServeGitCmd(), newLocalDemoServeMetricsCmd())
	return cmd
}

// startDetached runs the own executable with args in a session of its own,
// its output in DIR/NAME.log and its pid in DIR/NAME.pid, and returns at once.
func startDetached(dir, name string, args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	return startDetachedProgram(dir, name, exe, args...)
}

// startDetachedProgram is startDetached for another program.
func startDetachedProgram(dir, name, exe string, args ...string) error {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", logPath, err)
	}
	defer logFile.Close()
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release()
	if err := os.WriteFile(filepath.Join(dir, name+".pid"), []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write pid of %s: %w", name, err)
	}
	return nil
}

// stopDetached ends the process of DIR/NAME.pid when it is still the one
// started there (its command line names dir): SIGTERM, then SIGKILL after 10 s.
func stopDetached(dir, name string) {
	pidPath := filepath.Join(dir, name+".pid")
	b, err := os.ReadFile(pidPath)
	if err != nil {
		return
	}
	defer os.Remove(pidPath)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte(dir)) {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 100; i++ {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// runSelf runs the own executable with args and returns its error with the
// end of its output.
func runSelf(args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	return runQuiet(exe, args...)
}

// runQuiet runs a program; its output is shown only when it fails.
func runQuiet(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(string(out), 20))
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
