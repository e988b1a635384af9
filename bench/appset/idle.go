package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// idle is what the controllers did while nothing changed.
type idle struct {
	window   time.Duration
	cpu      time.Duration
	requests int64
	kinds    []string // requests by verb and resource
}

// measureIdle waits out the window and returns the CPU and API requests
// it saw; with a profile path, it writes a CPU profile of the window there.
func measureIdle(reqs *measure.Requests, window time.Duration, profile string) (idle, error) {
	if window <= 0 {
		return idle{}, fmt.Errorf("idle window %s: must be positive", window)
	}
	stop := func() error { return nil }
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return idle{}, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return idle{}, fmt.Errorf("cpu profile %s: %w", profile, err)
		}
		stop = func() error { pprof.StopCPUProfile(); return f.Close() }
	}
	kinds, before := reqs.Snapshot()
	cpu := measure.CPUTime()
	time.Sleep(window)
	out := idle{window: window, cpu: measure.CPUTime() - cpu}
	if err := stop(); err != nil {
		return idle{}, fmt.Errorf("cpu profile %s: %w", profile, err)
	}
	_, after := reqs.Snapshot()
	out.requests = after - before
	out.kinds = reqs.Since(kinds)
	return out, nil
}

// perMinute is the idle request rate.
func (i idle) perMinute() float64 { return float64(i.requests) / i.window.Minutes() }

// cpuPerWindow is the idle CPU scaled to measure.IdleWindow.
func (i idle) cpuPerWindow() time.Duration {
	return time.Duration(float64(i.cpu) * measure.IdleWindow.Seconds() / i.window.Seconds())
}
