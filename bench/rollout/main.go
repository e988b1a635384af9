// Command rollout measures the Rollout controller on a local control
// plane. N Rollouts (2 replicas each, run by kwok nodes; a basic canary
// with a stable and a canary Service and the steps setWeight 50, pause
// 1s) are created in a few namespaces and left to become Healthy; then
// every Rollout's image changes at once, and the benchmark waits until all
// are Healthy on the new revision. The Rollout and AnalysisRun controllers
// run in this process, wired as `tiphys controller` wires them, with their
// API requests counted. It prints the time of the update, the API requests
// and reconciles per Rollout step, the time from a pause step's end to the
// next step (p50/p90/max), the controllers' CPU and memory, and the API
// requests and CPU while nothing changes (-idle), beside what Argo
// Rollouts' design implies (it publishes no benchmark figures).
//
//	go run ./bench/rollout -rollouts 200
//	go run ./bench/rollout -rollouts 20 -idle 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/tiphys/tiphys/bench/internal/measure"
	benchplane "github.com/tiphys/tiphys/bench/internal/plane"
	"github.com/tiphys/tiphys/internal/controller/analysis/analysisrun"
	"github.com/tiphys/tiphys/internal/controller/rollout"
	"github.com/tiphys/tiphys/internal/testenv"
)

// options are the command line.
type options struct {
	rollouts int
	idle     time.Duration
	nodes    int
}

// timeout bounds every wait.
const timeout = 20 * time.Minute

// settle is how long the benchmark waits after the update before the
// idle window, so that work the controller does after the last Rollout
// is Healthy (scaling the old revision down) is not counted as idle; its
// requests are reported apart.
const settle = 5 * time.Second

func main() {
	var o options
	flag.IntVar(&o.rollouts, "rollouts", 200, "number of Rollouts")
	flag.DurationVar(&o.idle, "idle", 30*time.Second, "idle window over which the controllers' API requests and CPU are counted (CPU scaled to "+measure.IdleWindow.String()+")")
	flag.IntVar(&o.nodes, "nodes", 2, "number of kwok nodes")
	flag.Parse()
	if err := o.run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// figures are what one run measured.
type figures struct {
	n int
	// created is the time from the first create to all N Healthy, with
	// the controllers' API requests meanwhile.
	created         time.Duration
	createdRequests int64
	update          update
	// settleRequests are the requests in the settle window after the
	// update, settleKinds them by verb and resource.
	settleRequests int64
	settleKinds    []string
	idle           idle
}

// update is what the image change of every Rollout cost.
type update struct {
	// took is the time from the first patch to every Rollout Healthy on
	// its new revision.
	took       time.Duration
	requests   int64
	kinds      map[string]int
	kindList   []string
	reconciles float64
	cpu        time.Duration
	memory     measure.Memory
	// delays are the pause step's end to the next step index, sorted;
	// missing counts the Rollouts where the watch saw neither.
	delays  []time.Duration
	missing int
}

func (o options) run(ctx context.Context) error {
	n := o.rollouts
	if n <= 0 {
		return fmt.Errorf("-rollouts %d: want at least 1", n)
	}
	if o.idle <= 0 {
		return fmt.Errorf("-idle %s: must be positive", o.idle)
	}
	plane, err := benchplane.Start(ctx, "rollout", o.nodes)
	if err != nil {
		return err
	}
	defer plane.Stop()
	admin, err := client.NewWithWatch(plane.Config, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return err
	}

	reqs := measure.NewRequests()
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := startControllers(mctx, plane.Config, reqs); err != nil {
		return err
	}
	t, err := startTracker(mctx, admin)
	if err != nil {
		return err
	}
	f := figures{n: n}
	_, before := reqs.Snapshot()
	start := time.Now()
	if err := createRollouts(ctx, admin, n); err != nil {
		return err
	}
	at, err := t.until(fmt.Sprintf("all %d Rollouts Healthy", n), timeout, func(_ string, v rolloutView) bool { return v.healthy }, n)
	if err != nil {
		return err
	}
	f.created = at.Sub(start)
	_, after := reqs.Snapshot()
	f.createdRequests = after - before

	if f.update, err = measureUpdate(ctx, admin, t, reqs, n); err != nil {
		return err
	}
	kinds, before := reqs.Snapshot()
	time.Sleep(settle)
	_, after = reqs.Snapshot()
	f.settleRequests, f.settleKinds = after-before, reqs.Since(kinds)
	f.idle = measureIdle(reqs, o.idle)
	return f.print()
}

// measureUpdate changes every Rollout's image at once and waits until all
// are Healthy on their new revision.
func measureUpdate(ctx context.Context, admin client.Client, t *tracker, reqs *measure.Requests, n int) (update, error) {
	var out update
	old := t.hashes()
	kinds, before := reqs.Snapshot()
	reconciles := reconcileCount()
	cpu := measure.CPUTime()
	mem := measure.SampleMemory(250 * time.Millisecond)
	start := time.Now()
	if err := setImages(ctx, admin, n); err != nil {
		mem.Stop()
		return out, err
	}
	at, err := t.until(fmt.Sprintf("all %d Rollouts Healthy on their new revision", n), timeout, func(key string, v rolloutView) bool {
		return v.healthy && v.hash != old[key]
	}, n)
	out.memory = mem.Stop()
	if err != nil {
		return out, err
	}
	out.took = at.Sub(start)
	out.cpu = measure.CPUTime() - cpu
	out.reconciles = reconcileCount() - reconciles
	now, after := reqs.Snapshot()
	out.requests, out.kindList = after-before, reqs.Since(kinds)
	out.kinds = map[string]int{}
	for k, v := range now {
		out.kinds[k] = v - kinds[k]
	}
	out.delays, out.missing = t.pauseDelays()
	sort.Slice(out.delays, func(i, j int) bool { return out.delays[i] < out.delays[j] })
	return out, nil
}

// startControllers runs the Rollout and AnalysisRun controllers in this
// process until ctx ends, as `tiphys controller` wires them (its cache
// for Rollouts, Pods read uncached, no client-side throttling), with every
// API request they make counted.
func startControllers(ctx context.Context, plane *rest.Config, reqs *measure.Requests) error {
	cfg := rest.CopyConfig(plane)
	cfg.QPS, cfg.Burst = -1, -1
	cfg.Wrap(reqs.Wrap)
	ctrl.SetLogger(logr.Discard())
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  testenv.Scheme(),
		Metrics: metricsserver.Options{BindAddress: "0"},
		Cache:   cache.Options{ByObject: rollout.CacheByObject()},
		Client:  client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Pod{}, &corev1.Secret{}}}},
	})
	if err != nil {
		return fmt.Errorf("controller manager: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("dynamic client: %w", err)
	}
	ro := &rollout.Reconciler{Client: mgr.GetClient(), Dynamic: dyn, Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}
	if err := ro.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("rollout controller: %w", err)
	}
	ar := &analysisrun.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(),
		Recorder: mgr.GetEventRecorder("tiphys-analysis-controller")}
	if err := ar.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("analysisrun controller: %w", err)
	}
	go func() { _ = mgr.Start(ctx) }()
	// The Rollouts are created once the controllers watch: the figures
	// measure the Rollouts, not the manager's start.
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return fmt.Errorf("controller manager: caches did not sync")
	}
	return nil
}

// reconcileCount is the number of Rollout reconciles so far, from
// controller-runtime's metrics (the registry fills even with no metrics
// server).
func reconcileCount() float64 {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return 0
	}
	var total float64
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == "rollout" {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}
