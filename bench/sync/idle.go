package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// idle is what the controller did while nothing changed.
type idle struct {
	window   time.Duration
	cpu      time.Duration
	requests int64
	verbs    []string // requests by verb
}

// measureIdle waits out the window and returns the CPU and API requests
// it saw; with a profile path, it writes a CPU profile of the window there.
func measureIdle(count *counter, window time.Duration, profile string) (idle, error) {
	if window <= 0 {
		return idle{}, fmt.Errorf("idle window %s: must be positive", window)
	}
	stop := func() error { return nil }
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return idle{}, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return idle{}, err
		}
		stop = func() error { pprof.StopCPUProfile(); return f.Close() }
	}
	verbsBefore, before := count.snapshot()
	cpu := measure.CPUTime()
	time.Sleep(window)
	used := measure.CPUTime() - cpu
	if err := stop(); err != nil {
		return idle{}, err
	}
	verbsAfter, after := count.snapshot()
	out := idle{window: window, cpu: used, requests: after - before}
	for v, c := range verbsAfter {
		if d := c - verbsBefore[v]; d > 0 {
			out.verbs = append(out.verbs, fmt.Sprintf("%s=%d", v, d))
		}
	}
	sort.Strings(out.verbs)
	return out, nil
}

// cpuPerSecond is the idle CPU rate, CPU-seconds per second.
func (i idle) cpuPerSecond() float64 { return i.cpu.Seconds() / i.window.Seconds() }

// printNothingChanged prints the figures of issue #8 ("nothing changed costs
// nothing") beside the figures measured before it.
func printNothingChanged(n int, i idle, c commitCost) error {
	fmt.Printf("nothing changed costs nothing (issue #8), %d apps\n\n", n)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "measure\ttiphys\tbefore (issue #8)\t")
	scaled := ""
	if i.window != measure.IdleWindow {
		scaled = fmt.Sprintf(" (%s, scaled)", i.window)
	}
	fmt.Fprintf(w, "controller CPU per %s idle%s\t%.2f s\t4.5 s at 100 apps, 23.8 s at 500\t\n",
		measure.IdleWindow, scaled, i.cpuPerSecond()*measure.IdleWindow.Seconds())
	fmt.Fprintf(w, "one-app commit, with a refresh: commit to %s synced\t%s\t-\t\n", c.app, round(c.synced))
	fmt.Fprintf(w, "  controller CPU until then\t%.3f s\t-\t\n", c.syncedCPU.Seconds())
	fmt.Fprintf(w, "one-app commit: commit to all %d apps compared at it (Git poll)\t%s\t-\t\n", n, round(c.all))
	fmt.Fprintf(w, "  controller CPU until then / idle CPU over as long\t%.3f s / %.3f s\t-\t\n", c.allCPU.Seconds(), c.idleCPU.Seconds())
	fmt.Fprintf(w, "  API requests until then\t%d\t-\t\n", c.requests)
	return w.Flush()
}
