package measure

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// Idle is what the controllers did while nothing changed.
type Idle struct {
	// Window is how long the benchmark waited.
	Window time.Duration
	// CPU is the process's CPU time over the window.
	CPU time.Duration
	// Requests are the API requests over the window, Kinds them by verb
	// and resource.
	Requests int64
	Kinds    []string
}

// WaitIdle waits out the window and returns the CPU and API requests it
// saw; with a profile path, it writes a CPU profile of the window there.
func WaitIdle(reqs *Requests, window time.Duration, profile string) (Idle, error) {
	if window <= 0 {
		return Idle{}, fmt.Errorf("idle window %s: must be positive", window)
	}
	stop := func() error { return nil }
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return Idle{}, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return Idle{}, fmt.Errorf("cpu profile %s: %w", profile, err)
		}
		stop = func() error { pprof.StopCPUProfile(); return f.Close() }
	}
	kinds, before := reqs.Snapshot()
	cpu := CPUTime()
	time.Sleep(window)
	out := Idle{Window: window, CPU: CPUTime() - cpu}
	if err := stop(); err != nil {
		return Idle{}, fmt.Errorf("cpu profile %s: %w", profile, err)
	}
	_, after := reqs.Snapshot()
	out.Requests = after - before
	out.Kinds = reqs.Since(kinds)
	return out, nil
}

// PerMinute is the idle request rate.
func (i Idle) PerMinute() float64 { return float64(i.Requests) / i.Window.Minutes() }

// CPUPerWindow is the idle CPU scaled to IdleWindow.
func (i Idle) CPUPerWindow() time.Duration {
	return time.Duration(float64(i.CPU) * IdleWindow.Seconds() / i.Window.Seconds())
}

// Scaled says, for a figure's label, that it was measured over another
// window than IdleWindow and scaled: "" when it was not.
func (i Idle) Scaled() string {
	if i.Window == IdleWindow {
		return ""
	}
	return fmt.Sprintf(" (%s, scaled)", i.Window)
}
