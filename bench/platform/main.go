// Command platform measures the controllers on the example platform,
// examples/go-reliable-gitops: a root app-of-apps, infrastructure apps in
// sync waves, Kubeflow and MLOps apps, and three ApplicationSets making the
// microservices (4 services x staging and production, as Rollouts) and the
// governance jobs. It runs on one local control plane (2 kwok nodes), which
// also stands in for the cluster "workload" that production targets: the
// plane is registered a second time under that name, behind a proxy in
// this process with a URL of its own, so the controllers treat it as
// another cluster and their requests to it are counted too.
//
// The example is committed to a local Git repository (REPO_URL replaced by
// its file:// URL) and run with the demo's argocd-cm (health overrides for
// the stand-ins, see internal/localdemo); the application, appproject,
// applicationset and Rollout controllers run in this process, wired as
// `tiphys controller` wires them, with their API requests counted. It
// prints, beside the figures of bench/sync and bench/appset
// (docs/development.md): the time from the root app's creation until every
// Application exists and until every one is Synced and Healthy, and the API
// requests until then; the API requests and CPU while nothing changes
// (-idle, scaled to 3 minutes); a commit of a new image tag for
// order-service in staging, with a refresh as a webhook sends (time to that
// app Synced at the commit and to its Rollout on the new template, time and
// API requests until every app compared at the commit, how many other apps
// synced again); the controllers' heap.
//
//	go run ./bench/platform -idle 30s
//	go run ./bench/platform -example examples/go-reliable-gitops -cpuprofile idle.pprof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tiphys/tiphys/bench/internal/controllers"
	"github.com/tiphys/tiphys/bench/internal/measure"
	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

// options are the command line.
type options struct {
	example    string
	idle       time.Duration
	cpuProfile string
	log        string
}

// poll is the application controller's resync and the controllers' Git
// poll, as in bench/sync and bench/appset.
const poll = 10 * time.Second

// timeout bounds every wait.
const timeout = 5 * time.Minute

// appNamespace holds the platform's Applications, sets and projects.
const appNamespace = "argocd"

func main() {
	var o options
	flag.StringVar(&o.example, "example", "examples/go-reliable-gitops", "the example platform's directory")
	flag.DurationVar(&o.idle, "idle", time.Minute, "idle window over which the controllers' API requests and CPU are counted (figures scaled to "+measure.IdleWindow.String()+")")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the idle window to this file")
	flag.StringVar(&o.log, "log", "", "write the controllers' log (debug level) and every Application status change to this file")
	flag.Parse()
	if err := o.run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// figures are what one run measured.
type figures struct {
	// apps are the Applications the platform makes, objects the objects
	// they manage once synced.
	apps, objects int
	// exist and done are the times from the root app's creation until
	// every Application exists and until all are Synced and Healthy; last
	// are the apps that were done last, with their times.
	exist, done time.Duration
	last        []appTime
	// coldRequests are the API requests from the manager's start until all
	// were done, coldWorkload those to the cluster "workload", coldKinds
	// all of them by verb and resource; coldHeap the peak heap in use.
	coldRequests, coldWorkload int64
	coldKinds                  []string
	coldHeap                   uint64
	idle                       measure.Idle
	idleWorkload               int64
	commit                     commitCost
	// heap is the Go heap after a GC at the end.
	heap uint64
}

func (o options) run(ctx context.Context) error {
	if o.idle <= 0 {
		return fmt.Errorf("-idle %s: must be positive", o.idle)
	}
	example, err := filepath.Abs(o.example)
	if err != nil {
		return fmt.Errorf("example %s: %w", o.example, err)
	}
	if _, err := os.Stat(filepath.Join(example, "argocd", "root-app.yaml")); err != nil {
		return fmt.Errorf("example %s: no argocd/root-app.yaml: %w", example, err)
	}
	bin, err := testenv.BinDir()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tiphys-bench-platform-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	repo := filepath.Join(dir, "repo")
	repoURL := "file://" + repo
	if err := makeRepo(example, repo, repoURL); err != nil {
		return err
	}
	expected, err := expectedApps(ctx, repo, repoURL)
	if err != nil {
		return err
	}

	plane, err := localcluster.Start(ctx, localcluster.Options{Dir: filepath.Join(dir, "plane"), BinDir: bin, Nodes: 2})
	if err != nil {
		return fmt.Errorf("local control plane: %w", err)
	}
	defer plane.Stop()
	if _, err := install.Apply(ctx, plane.Config, install.Options{}); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	admin, err := client.NewWithWatch(plane.Config, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return err
	}
	reqs := measure.NewRequests()
	work, err := startWorkload(plane.Config, reqs)
	if err != nil {
		return err
	}
	defer work.close()
	if err := configure(ctx, admin, repo, work, plane.Config.BearerToken); err != nil {
		return err
	}

	logger, closeLog, err := o.logger()
	if err != nil {
		return err
	}
	defer closeLog()
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := controllers.Start(mctx, plane.Config, controllers.Options{Namespace: appNamespace,
		CacheDir: filepath.Join(dir, "cache"), Poll: poll, Requests: reqs, Rollouts: true, Logger: logger}); err != nil {
		return err
	}
	t, err := measure.TrackApps(mctx, admin, appNamespace)
	if err != nil {
		return err
	}
	f := figures{apps: len(expected)}
	if o.log != "" {
		if err := traceApps(mctx, admin, logger.WithName("bench")); err != nil {
			return err
		}
	}
	if err := f.cold(ctx, admin, t, reqs, work, repo, expected); err != nil {
		return err
	}

	// Idle: once the first no-op runs after the sync are over, nothing
	// changes in Git or in the cluster.
	time.Sleep(poll + 2*time.Second)
	_, workBefore := work.requests.Snapshot()
	if f.idle, err = measure.WaitIdle(reqs, o.idle, o.cpuProfile); err != nil {
		return err
	}
	_, workAfter := work.requests.Snapshot()
	f.idleWorkload = workAfter - workBefore

	if f.commit, err = measureCommit(ctx, admin, t, reqs, repo, expected); err != nil {
		return err
	}
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	f.heap = mem.HeapAlloc
	return f.print()
}

// cold creates the root app and waits until every expected Application
// exists, then until all are Synced and Healthy.
func (f *figures) cold(ctx context.Context, admin client.Client, t *measure.AppTracker, reqs *measure.Requests,
	work *workload, repo string, expected []string) error {
	root, err := rootApp(repo)
	if err != nil {
		return err
	}
	mem := measure.SampleMemory(250 * time.Millisecond)
	start := time.Now()
	if err := admin.Create(ctx, root); err != nil {
		mem.Stop()
		return fmt.Errorf("create application %s: %w", root.Name, err)
	}
	at, err := t.Until(fmt.Sprintf("all %d Applications exist", len(expected)), timeout, func(apps map[string]measure.App) bool {
		return len(missing(apps, expected, func(measure.App) bool { return true })) == 0
	})
	if err != nil {
		mem.Stop()
		return fmt.Errorf("%w: missing %v", err, missing(t.Apps(), expected, func(measure.App) bool { return true }))
	}
	f.exist = at.Sub(start)
	// doneAt is when each app last became Synced and Healthy.
	doneAt, wasDone := map[string]time.Duration{}, map[string]bool{}
	at, err = t.Until(fmt.Sprintf("all %d Applications Synced and Healthy", len(expected)), timeout, func(apps map[string]measure.App) bool {
		for name, a := range apps {
			if a.Done && !wasDone[name] {
				doneAt[name] = time.Since(start)
			}
			wasDone[name] = a.Done
		}
		return len(missing(apps, expected, func(a measure.App) bool { return a.Done })) == 0
	})
	f.coldHeap = mem.Stop().PeakHeapInUse
	if err != nil {
		return fmt.Errorf("%w:%s", err, explain(ctx, admin, missing(t.Apps(), expected, func(a measure.App) bool { return a.Done })))
	}
	f.done = at.Sub(start)
	_, f.coldRequests = reqs.Snapshot()
	f.coldKinds = reqs.Since(nil)
	_, f.coldWorkload = work.requests.Snapshot()
	f.last = lastDone(doneAt, 5)
	explainDone(ctx, admin, f.last, start)
	f.objects, err = managedObjects(ctx, admin)
	return err
}

// logger is the controllers' logger: none, or with -log a debug log in
// that file (costs CPU: idle figures are then not comparable).
func (o options) logger() (logr.Logger, func(), error) {
	if o.log == "" {
		return logr.Discard(), func() {}, nil
	}
	f, err := os.Create(o.log)
	if err != nil {
		return logr.Logger{}, nil, fmt.Errorf("-log: %w", err)
	}
	return zap.New(zap.WriteTo(f), zap.UseDevMode(true)), func() { _ = f.Close() }, nil
}
