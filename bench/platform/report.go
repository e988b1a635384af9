package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// The baselines: bench/sync at 100 apps of five objects each (issue #8,
// "after") and bench/appset at 100 apps of one ConfigMap (2026-11-30),
// from docs/development.md, "Benchmarks".
var (
	syncBaseline = baseline{
		source: "bench/sync, 100 apps x 5 objects",
		exist:  "- (made by the benchmark)", done: "9.9 s (all Deployments available)",
		perApp: "10.6 / 2.1", idleReqs: "0", idleCPU: "1.74 s",
		synced: "90 ms", all: "10.8 s", allReqs: "110", setWrote: "-", resynced: "-", written: "-", heap: "19.3 MiB",
	}
	appsetBaseline = baseline{
		source: "bench/appset, 100 apps x 1 ConfigMap",
		exist:  "2.91 s (from the set's creation)", done: "3.12 s",
		perApp: "6.2 / 6.2", idleReqs: "0", idleCPU: "1.83 s",
		synced: "50 ms", all: "10.7 s", allReqs: "107", setWrote: "0", resynced: "0", written: "100", heap: "-",
	}
)

// baseline is one column of published figures.
type baseline struct {
	source, exist, done, perApp, idleReqs, idleCPU, synced, all, allReqs, setWrote, resynced, written, heap string
}

// differs says what the platform does that the baselines' workloads do not.
const differs = `What differs from the baselines: the platform's cold sync is a chain, not a
crowd. The root's children sync in waves (-10 ... 10), each starting when the
previous one is Healthy; an app's CRDs come from apps of earlier waves; the
apps render Helm charts (two sources: chart and values) and directories;
the microservices are Rollouts with canary steps, run by the Rollout
controller in this process; the ApplicationSets are made by an app of wave
5, Kubeflow's with a RollingSync. Production's apps go to the cluster
"workload": this plane again, behind a proxy in this process, so the
controllers keep a second live cache (and watches) of the same plane.
The baselines' apps are all alike and independent.`

func (f figures) print() error {
	c := f.commit
	fmt.Printf("the example platform (examples/go-reliable-gitops): %d apps managing %d objects, on one local control plane\n", f.apps, f.objects)
	fmt.Printf("(2 kwok nodes; also the cluster %q, through a proxy); application resync and Git polls every %s\n\n", workloadName, poll)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	b1, b2 := syncBaseline, appsetBaseline
	row := func(measure, tiphys, sync, appset string) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", measure, tiphys, sync, appset)
	}
	row("measure", fmt.Sprintf("tiphys, platform (%d apps)", f.apps), b1.source, b2.source)
	row(fmt.Sprintf("root app created -> all %d Applications exist", f.apps), round(f.exist).String(), b1.exist, b2.exist)
	row("root app created -> all Synced and Healthy", round(f.done).String(), b1.done, b2.done)
	row("API requests until then (manager start included)", fmt.Sprintf("%d (%d to %q)", f.coldRequests, f.coldWorkload, workloadName), "-", "-")
	row("  per app / per managed object", fmt.Sprintf("%.1f / %.1f", float64(f.coldRequests)/float64(f.apps), float64(f.coldRequests)/float64(max(f.objects, 1))), b1.perApp, b2.perApp)
	row("  peak heap in use meanwhile", mib(f.coldHeap), "-", "-")
	scaled := f.idle.Scaled()
	row("API requests per minute, nothing changing"+scaled, fmt.Sprintf("%.1f (%d to %q in all)", f.idle.PerMinute(), f.idleWorkload, workloadName), b1.idleReqs, b2.idleReqs)
	row(fmt.Sprintf("controllers' CPU per %s idle%s", measure.IdleWindow, scaled), fmt.Sprintf("%.2f s", f.idle.CPUPerWindow().Seconds()), b1.idleCPU, b2.idleCPU)
	row(fmt.Sprintf("commit (%s image tag), with a refresh: -> %s Synced at it", commitRollout, commitApp), round(c.synced).String(), b1.synced, b2.synced)
	row("  -> its Rollout on the new template", fmt.Sprintf("%s (step %s, %s)", round(c.rollout), c.step, c.phase), "-", "-")
	row(fmt.Sprintf("  -> all %d apps compared at it (Git poll)", f.apps), round(c.all).String(), b1.all, b2.all)
	row("  API requests until then", fmt.Sprint(c.requests), b1.allReqs, b2.allReqs)
	row("  Applications the sets rewrote (spec or metadata)", fmt.Sprint(c.setWrote), b1.setWrote, b2.setWrote)
	row("  other apps synced again", fmt.Sprint(len(c.resynced)), b1.resynced, b2.resynced)
	row("  Applications with a new resourceVersion", fmt.Sprint(c.written), b1.written, b2.written)
	row("controllers' heap after GC (at the end)", mib(f.heap), b1.heap, b2.heap)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	fmt.Printf("\nlast apps to be Synced and Healthy (times from the root's creation):\n")
	for _, a := range f.last {
		fmt.Printf("  %s at %s (%s)\n", a.name, round(a.at), a.detail)
	}
	if len(c.resynced) > 0 {
		fmt.Printf("other apps synced again after the commit: %s\n", strings.Join(c.resynced, ", "))
	}
	fmt.Printf("requests by verb and resource, cold: %s\n", strings.Join(f.coldKinds, " "))
	fmt.Printf("requests by verb and resource, idle: %s\n", strings.Join(f.idle.Kinds, " "))
	fmt.Printf("requests by verb and resource, commit: %s\n\n", strings.Join(c.kinds, " "))
	fmt.Println(differs)
	return nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
