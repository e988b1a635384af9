// Command sync measures the application controller on a local control
// plane: N apps of five objects (ServiceAccount, ConfigMap, Service,
// Deployment with one replica, Ingress), each in its own namespace, synced
// cold; beside it, the same objects applied by `kubectl apply
// --server-side` and by a raw client-go server-side-apply loop (the
// physical limit). Then, with nothing changing, the controller's CPU and API
// requests over an idle window (3 minutes; -idle shortens it, the figures
// are scaled to 3 minutes); self-heal latency; a commit that touches one
// app (with a refresh, as a webhook sends: time to that app synced, and the
// controller's CPU until every app compared at the new commit); and
// controller memory.
//
//	go run ./bench/sync -apps 100
//	go run ./bench/sync -apps 100 -idle 30s
//	go run ./bench/sync -apps 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/bench/internal/measure"
	benchplane "github.com/tiphys/tiphys/bench/internal/plane"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/testenv"
)

// options are the command line.
type options struct {
	apps       int
	idle       time.Duration
	memProfile string
	cpuProfile string
}

func main() {
	var o options
	flag.IntVar(&o.apps, "apps", 100, "number of applications")
	flag.DurationVar(&o.idle, "idle", measure.IdleWindow, "idle window over which the controller's CPU and API requests are measured (figures scaled to "+measure.IdleWindow.String()+")")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile of the controller after the sync to this file")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the idle window to this file")
	flag.Parse()
	if err := o.run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (o options) run() error {
	n := o.apps
	ctx := context.Background()
	plane, err := benchplane.Start(ctx, "sync", 2)
	if err != nil {
		return err
	}
	defer plane.Stop()
	dir := plane.Dir
	kube := kubernetes.NewForConfigOrDie(plane.Config)
	repo := filepath.Join(dir, "repo")
	if err := writeRepo(repo, n); err != nil {
		return err
	}

	// Baseline 1: kubectl apply --server-side of every object.
	start := time.Now()
	out, err := exec.Command("kubectl", "--kubeconfig", plane.Kubeconfig, "apply", "--server-side", "-R", "-f", filepath.Join(repo, "kubectl")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("kubectl apply: %v: %s", err, out)
	}
	if err := waitAvailable(ctx, kube, "kubectl-", n); err != nil {
		return err
	}
	kubectlTime := time.Since(start)

	// Baseline 2: a raw client-go server-side-apply loop (8 workers).
	rawCount := &counter{verbs: map[string]int{}}
	rawCfg := rest.CopyConfig(plane.Config)
	rawCfg.Wrap(rawCount.wrap)
	start = time.Now()
	if err := rawApply(ctx, rawCfg, filepath.Join(repo, "raw")); err != nil {
		return err
	}
	if err := waitAvailable(ctx, kube, "raw-", n); err != nil {
		return err
	}
	rawTime := time.Since(start)
	_, rawRequests := rawCount.snapshot()

	// Tiphys: the controller in this process, with its requests counted.
	count := &counter{verbs: map[string]int{}}
	cfg := rest.CopyConfig(plane.Config)
	cfg.Wrap(count.wrap)
	ctrl.SetLogger(logr.Discard())
	mgr, err := ctrl.NewManager(cfg, application.ManagerOptions("0", "argocd"))
	if err != nil {
		return err
	}
	r, err := application.New(mgr, cfg, application.Options{CacheDir: filepath.Join(dir, "cache"), Resync: resync, GitPoll: resync})
	if err != nil {
		return err
	}
	if err := r.SetupWithManager(mgr); err != nil {
		return err
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = mgr.Start(mctx) }()
	admin, err := client.New(plane.Config, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return err
	}
	start = time.Now()
	for i := range n {
		app := &v1alpha1.Application{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%d", i), Namespace: "argocd"},
			Spec: v1alpha1.ApplicationSpec{Project: "default",
				Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: fmt.Sprintf("tiphys-%d", i)},
				Source:      &v1alpha1.ApplicationSource{RepoURL: "file://" + filepath.Join(repo, "git"), Path: fmt.Sprintf("apps/app-%d", i), TargetRevision: "main"},
				SyncPolicy: &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{Prune: true, SelfHeal: true},
					SyncOptions: v1alpha1.SyncOptions{"CreateNamespace=true"}},
			},
		}
		if err := admin.Create(ctx, app); err != nil {
			return err
		}
	}
	if err := waitApps(ctx, admin, n); err != nil {
		return err
	}
	tiphysTime := time.Since(start)
	coldVerbs, coldTotal := count.snapshot()

	// Idle: once the first no-op resyncs after the sync are over, nothing
	// changes in Git or in the cluster.
	time.Sleep(resync + 2*time.Second)
	idle, err := measureIdle(count, o.idle, o.cpuProfile)
	if err != nil {
		return err
	}

	// Self-heal: delete a managed ConfigMap and time its return.
	if err := kube.CoreV1().ConfigMaps("tiphys-0").Delete(ctx, "app-0", metav1.DeleteOptions{}); err != nil {
		return err
	}
	start = time.Now()
	for {
		if _, err := kube.CoreV1().ConfigMaps("tiphys-0").Get(ctx, "app-0", metav1.GetOptions{}); err == nil {
			break
		}
		if time.Since(start) > time.Minute {
			return fmt.Errorf("self-heal did not happen")
		}
		time.Sleep(20 * time.Millisecond)
	}
	heal := time.Since(start)

	commit, err := measureCommit(ctx, plane.Config, count, filepath.Join(repo, "git"), n, idle.cpuPerSecond())
	if err != nil {
		return err
	}

	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}

	objects := 5 * n
	fmt.Printf("cold sync of %d apps (%d objects) on the local control plane; resync and Git poll every %s\n\n", n, objects, resync)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "measure\ttiphys\tkubectl apply --server-side\tclient-go SSA loop\t")
	fmt.Fprintf(w, "wall time to all Deployments available\t%s\t%s\t%s\t\n", round(tiphysTime), round(kubectlTime), round(rawTime))
	fmt.Fprintf(w, "  as a multiple of kubectl\t%.2fx\t1.00x\t%.2fx\t\n", tiphysTime.Seconds()/kubectlTime.Seconds(), rawTime.Seconds()/kubectlTime.Seconds())
	fmt.Fprintf(w, "API requests during the cold sync\t%d\t-\t%d\t\n", coldTotal, rawRequests)
	fmt.Fprintf(w, "  per object / per app\t%.1f / %.1f\t-\t%.1f / -\t\n", float64(coldTotal)/float64(objects), float64(coldTotal)/float64(n), float64(rawRequests)/float64(objects))
	fmt.Fprintf(w, "API requests per minute, nothing changing\t%.0f\t-\t-\t\n", float64(idle.requests)/idle.window.Minutes())
	fmt.Fprintf(w, "  per object per no-op resync (every %s)\t%.3f\t-\t-\t\n", resync, float64(idle.requests)/float64(objects)/(idle.window.Seconds()/resync.Seconds()))
	fmt.Fprintf(w, "self-heal after a delete\t%s\t-\t-\t\n", round(heal))
	fmt.Fprintf(w, "controller heap (after GC)\t%.1f MiB\t-\t-\t\n", float64(mem.HeapAlloc)/(1<<20))
	if err := w.Flush(); err != nil {
		return err
	}
	var verbs []string
	for v, c := range coldVerbs {
		verbs = append(verbs, fmt.Sprintf("%s=%d", v, c))
	}
	sort.Strings(verbs)
	fmt.Printf("\ntiphys requests by verb (cold sync): %s\n", strings.Join(verbs, " "))
	fmt.Printf("tiphys requests by verb (idle): %s\n\n", strings.Join(idle.verbs, " "))
	return printNothingChanged(n, idle, commit)
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// resync is the controller's resync period in the benchmark: short, so the
// idle window holds several no-op resyncs of every app.
const resync = 10 * time.Second

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
