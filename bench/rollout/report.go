package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// Argo Rollouts publishes no benchmark figures. The baseline column says
// what its controller's design implies, from its source
// (github.com/argoproj/argo-rollouts at 9f8d111, v1.10.0-rc1 and 70
// commits), or that there is no figure.
const (
	argoSource = "Argo Rollouts (design; no published figures)"
	argoNone   = "n/a (no published figure)"
	// rollout/sync.go persistRolloutStatus: a two-way merge patch of the
	// status, sent only when it is not empty ("No status changes.
	// Skipping patch").
	argoStatus = "one status PATCH per reconcile that changes status, none otherwise (rollout/sync.go)"
	// rollout/pause.go checkEnqueueRolloutDuringWait: the Rollout is
	// enqueued again at startTime + duration.
	argoPause = "requeued at the pause's end (rollout/pause.go); latency n/a"
	// controller/controller.go DefaultRolloutResyncPeriod = 15 * 60, and
	// no status patch when nothing changed.
	argoIdle = "0 but a resync every 15 min, which writes nothing unchanged (controller/controller.go)"
	// utils/defaults/defaults.go DefaultQPS, DefaultBurst; controller/
	// controller.go DefaultRolloutThreads.
	argoLimits = "Argo Rollouts' controller defaults: client throttle 40 QPS / burst 80 (utils/defaults/defaults.go), 10 Rollout workers (controller/controller.go)"
)

func (f figures) print() error {
	n, u := f.n, f.update
	stepsRun := float64(n * steps)
	fmt.Printf("%d Rollouts of 2 replicas (basic canary: setWeight 50, pause %ds) on the local control plane, one image change each;\n", n, pauseFor)
	fmt.Printf("the Rollout and AnalysisRun controllers in this process, no client-side throttling\n\n")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "figure\ttiphys, %d Rollouts\t%s\n", n, argoSource)
	fmt.Fprintf(w, "created -> all Healthy\t%s (%d API requests, %.1f per Rollout)\t%s\n",
		round(f.created), f.createdRequests, float64(f.createdRequests)/float64(n), argoNone)
	fmt.Fprintf(w, "image change -> all Healthy on the new revision\t%s\t%s\n", round(u.took), argoNone)
	fmt.Fprintf(w, "API requests per Rollout step (%d x %d steps)\t%.1f (%d)\t%s\n", n, steps, float64(u.requests)/stepsRun, u.requests, argoNone)
	status := u.kinds["PATCH rollouts/status"] + u.kinds["PUT rollouts/status"]
	fmt.Fprintf(w, "  status writes per Rollout step\t%.1f (%d)\t%s\n", float64(status)/stepsRun, status, argoStatus)
	fmt.Fprintf(w, "  Rollout reconciles per Rollout step\t%.1f (%.0f)\t%s\n", u.reconciles/stepsRun, u.reconciles, argoNone)
	fmt.Fprintf(w, "pause step end -> next step index, p50 / p90 / max\t%s\t%s\n", u.delaySummary(), argoPause)
	fmt.Fprintf(w, "controller CPU during the update\t%.2f s (%.1f ms per Rollout step)\t%s\n",
		u.cpu.Seconds(), u.cpu.Seconds()*1000/stepsRun, argoNone)
	fmt.Fprintf(w, "Go heap in use, peak during the update\t%s\t%s\n", mib(u.memory.PeakHeapInUse), argoNone)
	fmt.Fprintf(w, "resident set, peak of the process\t%s\t%s\n", mib(u.memory.PeakRSS), argoNone)
	fmt.Fprintf(w, "API requests in the %s after\t%d\t-\n", settle, f.settleRequests)
	fmt.Fprintf(w, "API requests per minute, nothing changing (%s)\t%.1f (%d)\t%s\n", f.idle.window, f.idle.perMinute(), f.idle.requests, argoIdle)
	scaled := ""
	if f.idle.window != measure.IdleWindow {
		scaled = fmt.Sprintf(" (%s, scaled)", f.idle.window)
	}
	fmt.Fprintf(w, "controller CPU per %s idle%s\t%.2f s\t%s\n", measure.IdleWindow, scaled, f.idle.cpuPerWindow().Seconds(), argoNone)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	fmt.Printf("\n%s\n", argoLimits)
	fmt.Printf("\nrequests by verb and resource, update: %s\n", strings.Join(u.kindList, " "))
	fmt.Printf("requests by verb and resource, %s after: %s\n", settle, strings.Join(f.settleKinds, " "))
	fmt.Printf("requests by verb and resource, idle: %s\n", strings.Join(f.idle.kinds, " "))
	return nil
}

// delaySummary is "p50 / p90 / max" of the pause delays, with the
// Rollouts the watch could not time.
func (u update) delaySummary() string {
	if len(u.delays) == 0 {
		return fmt.Sprintf("n/a (%d Rollouts not seen pausing)", u.missing)
	}
	s := fmt.Sprintf("%s / %s / %s", round(percentile(u.delays, 50)), round(percentile(u.delays, 90)), round(u.delays[len(u.delays)-1]))
	if u.missing > 0 {
		s += fmt.Sprintf(" (%d Rollouts not timed)", u.missing)
	}
	return s
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
