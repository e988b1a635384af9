// Command appset measures the ApplicationSet controller on a local control
// plane. One ApplicationSet with a git directory generator over apps/* of
// a local repository makes N automated Applications, each syncing one
// ConfigMap into one namespace; the application, appproject and
// applicationset controllers run in this process, as `tiphys controller`
// wires them, with their API requests counted. It prints the time until
// all N Applications exist and until all are Synced and Healthy, the API
// requests per generated app meanwhile, the cost of a commit that changes
// one app's directory (time to that app synced, with a refresh; how many
// Applications the set rewrote and how many re-synced) and the API
// requests while nothing changes (-idle, scaled to 3 minutes), beside the
// application controller's figures (bench/sync, docs/development.md) and
// Argo CD's published ones where there are any.
//
//	go run ./bench/appset -apps 100 -idle 30s
//	go run ./bench/appset -apps 1000
//	go run ./bench/appset -apps 100 -cpuprofile idle.pprof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/bench/internal/controllers"
	"github.com/tiphys/tiphys/bench/internal/measure"
	benchplane "github.com/tiphys/tiphys/bench/internal/plane"
	"github.com/tiphys/tiphys/internal/testenv"
)

// options are the command line.
type options struct {
	apps       int
	idle       time.Duration
	cpuProfile string
}

// poll is the application controller's resync and both controllers' Git
// poll in the benchmark, as in bench/sync: short, so that the idle window
// holds several no-op runs of every app and of the set.
const poll = 10 * time.Second

// timeout bounds every wait.
const timeout = 20 * time.Minute

func main() {
	var o options
	flag.IntVar(&o.apps, "apps", 1000, "number of directories, so of generated Applications")
	flag.DurationVar(&o.idle, "idle", time.Minute, "idle window over which API requests are counted (figures scaled to "+measure.IdleWindow.String()+")")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the idle window to this file")
	flag.Parse()
	if err := o.run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// figures are what one run measured.
type figures struct {
	n int
	// first, exist and done are the times from the set's creation until
	// the first Application exists, all N exist and all are Synced and
	// Healthy.
	first, exist, done time.Duration
	// coldRequests are the API requests from the manager's start until
	// all were done, coldKinds them by verb and resource.
	coldRequests int64
	coldKinds    []string
	idle         measure.Idle
	commit       commitCost
}

func (o options) run(ctx context.Context) error {
	n := o.apps
	if n <= 0 {
		return fmt.Errorf("-apps %d: want at least 1", n)
	}
	plane, err := benchplane.Start(ctx, "appset", 0)
	if err != nil {
		return err
	}
	defer plane.Stop()
	dir := plane.Dir
	admin, err := client.NewWithWatch(plane.Config, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return err
	}
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: targetNamespace}}); err != nil {
		return fmt.Errorf("namespace %s: %w", targetNamespace, err)
	}
	repo := filepath.Join(dir, "repo")
	if err := writeRepo(repo, n); err != nil {
		return err
	}

	reqs := measure.NewRequests()
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The set is created once the controllers watch: the figures measure
	// the set, not the manager's start.
	if err := controllers.Start(mctx, plane.Config, controllers.Options{Namespace: appNamespace,
		CacheDir: filepath.Join(dir, "cache"), Poll: poll, Requests: reqs}); err != nil {
		return err
	}
	t, err := measure.TrackApps(mctx, admin, appNamespace)
	if err != nil {
		return err
	}
	set, err := newSet("file://" + repo)
	if err != nil {
		return err
	}
	f := figures{n: n}
	start := time.Now()
	if err := admin.Create(ctx, set); err != nil {
		return fmt.Errorf("create applicationset %s: %w", setName, err)
	}
	at, err := t.Until("a first Application", timeout, func(apps map[string]measure.App) bool { return len(apps) > 0 })
	if err != nil {
		return err
	}
	f.first = at.Sub(start)
	at, err = t.Until(fmt.Sprintf("all %d Applications exist", n), timeout, func(apps map[string]measure.App) bool { return len(apps) >= n })
	if err != nil {
		return err
	}
	f.exist = at.Sub(start)
	at, err = t.Until(fmt.Sprintf("all %d Applications Synced and Healthy", n), timeout, func(apps map[string]measure.App) bool {
		return measure.CountApps(apps, func(a measure.App) bool { return a.Done }) >= n
	})
	if err != nil {
		return err
	}
	f.done = at.Sub(start)
	_, f.coldRequests = reqs.Snapshot()
	f.coldKinds = reqs.Since(nil)

	// Idle: once the first no-op runs after the sync are over, nothing
	// changes in Git or in the cluster.
	time.Sleep(poll + 2*time.Second)
	if f.idle, err = measure.WaitIdle(reqs, o.idle, o.cpuProfile); err != nil {
		return err
	}
	if f.commit, err = measureCommit(ctx, admin, t, reqs, repo, n); err != nil {
		return err
	}
	return f.print()
}
