package main

import (
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
// it saw.
func measureIdle(reqs *measure.Requests, window time.Duration) idle {
	kinds, before := reqs.Snapshot()
	cpu := measure.CPUTime()
	time.Sleep(window)
	out := idle{window: window, cpu: measure.CPUTime() - cpu}
	_, after := reqs.Snapshot()
	out.requests, out.kinds = after-before, reqs.Since(kinds)
	return out
}

// perMinute is the idle request rate.
func (i idle) perMinute() float64 { return float64(i.requests) / i.window.Minutes() }

// cpuPerWindow is the idle CPU scaled to measure.IdleWindow.
func (i idle) cpuPerWindow() time.Duration {
	return time.Duration(float64(i.cpu) * measure.IdleWindow.Seconds() / i.window.Seconds())
}
