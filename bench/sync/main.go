// Command sync measures the application controller on a local control
// plane: N apps of five objects (ServiceAccount, ConfigMap, Service,
// Deployment with one replica, Ingress), each in its own namespace, synced
// cold; beside it, the same objects applied by `kubectl apply
// --server-side` and by a raw client-go server-side-apply loop (the
// physical limit). It prints wall time to all Deployments available, API
// requests by verb, requests during a quiet period (no-op resyncs),
// self-heal latency and controller memory.
//
//	go run ./bench/sync -apps 100
//	go run ./bench/sync -apps 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

func main() {
	apps := flag.Int("apps", 100, "number of applications")
	quiet := flag.Duration("quiet", 30*time.Second, "quiet period over which no-op requests are counted")
	flag.StringVar(&memProfile, "memprofile", "", "write a heap profile of the controller after the sync to this file")
	flag.Parse()
	if err := run(*apps, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// counter counts API requests by verb.
type counter struct {
	mu    sync.Mutex
	verbs map[string]int
	total atomic.Int64
}

func (c *counter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		verb := r.Method
		if r.Method == http.MethodGet && (r.URL.Query().Get("watch") == "true") {
			verb = "WATCH"
		} else if r.Method == http.MethodGet && !strings.Contains(r.URL.Path[strings.LastIndex(r.URL.Path, "/"):], ".") &&
			r.URL.Query().Get("limit") != "" {
			verb = "LIST"
		}
		if r.URL.Query().Get("dryRun") != "" {
			verb += "(dry-run)"
		}
		c.mu.Lock()
		c.verbs[verb]++
		c.mu.Unlock()
		c.total.Add(1)
		return rt.RoundTrip(r)
	})
}

func (c *counter) snapshot() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.verbs {
		out[k] = v
	}
	return out, c.total.Load()
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func run(n int, quiet time.Duration) error {
	ctx := context.Background()
	bin, err := testenv.BinDir()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tiphys-bench-sync-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	plane, err := localcluster.Start(ctx, localcluster.Options{Dir: filepath.Join(dir, "plane"), BinDir: bin, Nodes: 2})
	if err != nil {
		return err
	}
	defer plane.Stop()
	if _, err := install.Apply(ctx, plane.Config, install.Options{}); err != nil {
		return err
	}
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
	mgr, err := ctrl.NewManager(cfg, application.ManagerOptions("argocd", "0"))
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

	time.Sleep(2 * time.Second)
	quietBefore, before := count.snapshot()
	time.Sleep(quiet)
	quietAfter, after := count.snapshot()
	noop := after - before
	var quietVerbs []string
	for v, c := range quietAfter {
		if d := c - quietBefore[v]; d > 0 {
			quietVerbs = append(quietVerbs, fmt.Sprintf("%s=%d", v, d))
		}
	}
	sort.Strings(quietVerbs)

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
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	if memProfile != "" {
		if err := writeHeapProfile(memProfile); err != nil {
			return err
		}
	}

	objects := 5 * n
	fmt.Printf("cold sync of %d apps (%d objects) on the local control plane\n\n", n, objects)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "measure\ttiphys\tkubectl apply --server-side\tclient-go SSA loop\t")
	fmt.Fprintf(w, "wall time to all Deployments available\t%s\t%s\t%s\t\n", round(tiphysTime), round(kubectlTime), round(rawTime))
	fmt.Fprintf(w, "  as a multiple of kubectl\t%.2fx\t1.00x\t%.2fx\t\n", tiphysTime.Seconds()/kubectlTime.Seconds(), rawTime.Seconds()/kubectlTime.Seconds())
	fmt.Fprintf(w, "API requests during the cold sync\t%d\t-\t%d\t\n", coldTotal, rawRequests)
	fmt.Fprintf(w, "  per object / per app\t%.1f / %.1f\t-\t%.1f / -\t\n", float64(coldTotal)/float64(objects), float64(coldTotal)/float64(n), float64(rawRequests)/float64(objects))
	fmt.Fprintf(w, "API requests per minute, nothing changing\t%.0f\t-\t-\t\n", float64(noop)/quiet.Minutes())
	fmt.Fprintf(w, "  per object per no-op resync (every %s)\t%.3f\t-\t-\t\n", resync, float64(noop)/float64(objects)/(quiet.Seconds()/resync.Seconds()))
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
	fmt.Printf("tiphys requests by verb (quiet period): %s\n", strings.Join(quietVerbs, " "))
	return nil
}

// memProfile is where -memprofile writes the heap profile.
var memProfile string

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
// quiet period holds several no-op resyncs of every app.
const resync = 10 * time.Second

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

func waitAvailable(ctx context.Context, kube kubernetes.Interface, prefix string, n int) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		list, err := kube.AppsV1().Deployments("").List(ctx, metav1.ListOptions{})
		if err == nil {
			ready := 0
			for _, d := range list.Items {
				if strings.HasPrefix(d.Namespace, prefix) && available(&d) {
					ready++
				}
			}
			if ready >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("deployments %s* not available in time", prefix)
}

func available(d *appsv1.Deployment) bool { return d.Status.AvailableReplicas >= 1 }

func waitApps(ctx context.Context, c client.Client, n int) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		var list v1alpha1.ApplicationList
		if err := c.List(ctx, &list, client.InNamespace("argocd")); err == nil {
			done := 0
			for _, a := range list.Items {
				if a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Health.Status == v1alpha1.HealthStatusHealthy {
					done++
				}
			}
			if done >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("applications not Synced and Healthy in time")
}

// rawApply server-side-applies every object under dir with 8 workers.
func rawApply(ctx context.Context, cfg *rest.Config, dir string) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var objs []*unstructured.Unstructured
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil || len(u.Object) == 0 {
				continue
			}
			objs = append(objs, u)
		}
	}
	// Namespaces first, then the rest.
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].GetKind() == "Namespace" && objs[j].GetKind() != "Namespace" })
	apply := func(u *unstructured.Unstructured) error {
		gvr := map[string]string{"Namespace": "namespaces", "ServiceAccount": "serviceaccounts", "ConfigMap": "configmaps",
			"Service": "services", "Deployment": "deployments", "Ingress": "ingresses"}[u.GetKind()]
		gv := u.GroupVersionKind()
		res := dyn.Resource(gv.GroupVersion().WithResource(gvr))
		var ri dynamic.ResourceInterface = res
		if u.GetNamespace() != "" {
			ri = res.Namespace(u.GetNamespace())
		}
		_, err := ri.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: "bench", Force: true})
		return err
	}
	var nsObjs, rest []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "Namespace" {
			nsObjs = append(nsObjs, o)
		} else {
			rest = append(rest, o)
		}
	}
	for _, batch := range [][]*unstructured.Unstructured{nsObjs, rest} {
		work := make(chan *unstructured.Unstructured)
		errs := make(chan error, len(batch))
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range work {
					if err := apply(u); err != nil {
						errs <- err
					}
				}
			}()
		}
		for _, o := range batch {
			work <- o
		}
		close(work)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// writeRepo writes the workload three times: for kubectl, for the raw loop
// (each with its own namespaces) and as a Git repository for the apps.
func writeRepo(dir string, n int) error {
	write := func(path, content string) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(content), 0o644)
	}
	for i := range n {
		for _, v := range []struct{ sub, ns string }{{"kubectl", "kubectl-"}, {"raw", "raw-"}} {
			ns := fmt.Sprintf("%s%d", v.ns, i)
			content := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n---\n" + workload(i, ns)
			if err := write(filepath.Join(dir, v.sub, fmt.Sprintf("app-%d.yaml", i)), content); err != nil {
				return err
			}
		}
		if err := write(filepath.Join(dir, "git", "apps", fmt.Sprintf("app-%d", i), "all.yaml"), workload(i, "")); err != nil {
			return err
		}
	}
	g := filepath.Join(dir, "git")
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-m", "apps"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = g
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
	}
	return nil
}

func workload(i int, ns string) string {
	nsLine := ""
	if ns != "" {
		nsLine = "\n  namespace: " + ns
	}
	name := fmt.Sprintf("app-%d", i)
	return strings.NewReplacer("NAME", name, "NSLINE", nsLine).Replace(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: NAMENSLINE
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAMENSLINE
data: {greeting: hello}
---
apiVersion: v1
kind: Service
metadata:
  name: NAMENSLINE
spec:
  selector: {app: NAME}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAMENSLINE
spec:
  replicas: 1
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      serviceAccountName: NAME
      containers: [{name: app, image: nginx:1.27}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: NAMENSLINE
spec:
  rules:
  - host: NAME.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: NAME, port: {number: 80}}}}]
`)
}
