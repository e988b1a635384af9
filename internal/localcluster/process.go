package localcluster

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// logTailLines is how many lines of a process's log an error shows.
const logTailLines = 20

// process is one supervised program of the plane.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	pidPath string
	exited  chan struct{}
	waitErr error
}

// startProcess starts bin with args, its output appended to logDir/name.log.
// The program gets its own process group, so a terminal's Ctrl-C reaches
// only the supervisor, which then stops the programs in order; and it is
// killed if the supervisor dies (see sysProcAttr).
func startProcess(name, bin string, args []string, dir string) (*process, error) {
	logPath := filepath.Join(dir, "logs", name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log of %s: %w", name, err)
	}
	fmt.Fprintf(logFile, "\n=== %s: %s %s\n", time.Now().Format(time.RFC3339), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	p := &process{
		name: name, cmd: cmd, logPath: logPath,
		pidPath: filepath.Join(dir, "pids", name+".pid"),
		exited:  make(chan struct{}),
	}
	_ = os.WriteFile(p.pidPath, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
	go func() {
		p.waitErr = cmd.Wait()
		_ = logFile.Close()
		_ = os.Remove(p.pidPath)
		close(p.exited)
	}()
	return p, nil
}

// running reports whether the process has not exited yet.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop asks the process to end and kills it after grace.
func (p *process) stop(grace time.Duration) {
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// exitError describes how the process ended, with the end of its log.
func (p *process) exitError() error {
	how := "exited"
	if p.waitErr != nil {
		how = "exited: " + p.waitErr.Error()
	}
	return fmt.Errorf("%s %s; last lines of %s:\n%s", p.name, how, p.logPath, tailFile(p.logPath, logTailLines))
}

// tailFile returns the last n lines of a file, or a note why it cannot.
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	const window = 64 << 10
	if st, err := f.Stat(); err == nil && st.Size() > window {
		_, _ = f.Seek(st.Size()-window, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + string(bytes.Join(lines, []byte("\n  ")))
}
