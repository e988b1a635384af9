package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// The application controller's figures, from bench/sync at 100 apps of
// five objects each (docs/development.md, "Benchmarks", issue #8, column
// "after"); bench/sync creates the Applications itself and waits for
// Deployments to become available.
const (
	syncSource   = "bench/sync, 100 apps x 5 objects (docs/development.md)"
	syncCold     = "9.9 s to all Deployments available"
	syncPerApp   = "10.6"
	syncCommit   = "90 ms"
	syncAll      = "10.8 s"
	syncAllReqs  = "110"
	syncIdleReqs = "0"
	syncIdleCPU  = "1.74 s"
)

// Argo CD's published figure for one-ConfigMap apps: CNOE's benchmark of
// Argo CD 2.8 (https://cnoe.io/blog/argo-cd-application-scalability,
// quoted in /work/shared/reference/argocd.md §5.2): 3 remote clusters of
// 5,000 apps, each a 2 KB ConfigMap, synced in 61.5 min with the default
// client QPS/burst 50/100 and in 17.5 min at 250/500.
const (
	argoSource = "CNOE, Argo CD 2.8 (argocd.md §5.2)"
	argoCold   = "15,000 apps in 61.5 min (QPS 50) / 17.5 min (QPS 250): 4.1 / 14.3 apps/s"
)

func (f figures) print() error {
	n, c := f.n, f.commit
	fmt.Printf("one ApplicationSet (git directory generator) making %d apps of one ConfigMap each, on the local control plane;\n", n)
	fmt.Printf("application resync and Git poll, and the set's Git poll, every %s\n\n", poll)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "measure\ttiphys, %d apps\tapplication controller: %s\tArgo CD: %s\n", n, syncSource, argoSource)
	fmt.Fprintf(w, "set created -> first Application exists\t%s\t-\t-\n", round(f.first))
	fmt.Fprintf(w, "set created -> all %d Applications exist\t%s\t-\t-\n", n, round(f.exist))
	fmt.Fprintf(w, "set created -> all Synced and Healthy\t%s (%.1f apps/s)\t%s\t%s\n", round(f.done), float64(n)/f.done.Seconds(), syncCold, argoCold)
	fmt.Fprintf(w, "API requests until then, per generated app\t%.1f (%d)\t%s\t-\n", float64(f.coldRequests)/float64(n), f.coldRequests, syncPerApp)
	fmt.Fprintf(w, "one-app commit, with a refresh: commit -> %s Synced at it\t%s\t%s\t-\n", c.app, round(c.synced), syncCommit)
	fmt.Fprintf(w, "  commit -> all %d apps compared at it (Git poll)\t%s\t%s\t-\n", n, round(c.all), syncAll)
	fmt.Fprintf(w, "  API requests until then\t%d\t%s\t-\n", c.requests, syncAllReqs)
	fmt.Fprintf(w, "  Applications the set rewrote (spec or metadata changed)\t%d\t-\t-\n", c.setWrote)
	fmt.Fprintf(w, "  apps re-synced (operationState changed)\t%d\t-\t-\n", c.resynced)
	fmt.Fprintf(w, "  Applications with a new resourceVersion (status included)\t%d\t-\t-\n", c.written)
	scaled := f.idle.Scaled()
	fmt.Fprintf(w, "API requests per minute, nothing changing%s\t%.1f\t%s\t-\n", scaled, f.idle.PerMinute(), syncIdleReqs)
	fmt.Fprintf(w, "controllers' CPU per %s idle%s\t%.2f s\t%s\t-\n", measure.IdleWindow, scaled, f.idle.CPUPerWindow().Seconds(), syncIdleCPU)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	fmt.Printf("\nrequests by verb and resource, cold: %s\n", strings.Join(f.coldKinds, " "))
	fmt.Printf("requests by verb and resource, idle: %s\n", strings.Join(f.idle.Kinds, " "))
	fmt.Printf("requests by verb and resource, one-app commit: %s\n", strings.Join(c.kinds, " "))
	return nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
