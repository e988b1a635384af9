// Command ui measures the web UI's first paint with a large fleet: on a
// local control plane without controllers, Applications are created with
// their status already set (a spread of sync and health statuses and a
// few resources each, as a compared app has), `tiphys server` (this
// checkout's, with the UI built in) serves them, and headless Chromium
// loads the application list in a fresh profile (cold cache, a session
// already open). It prints, for each fleet size, the time from navigation
// to the list's first rows (median of -runs), the bytes transferred (all,
// the application list's, and its size once decoded) and the rows in the
// DOM, side by side.
//
// The list is asked as the UI asks it (Argo CD's fields projection) and
// comes gzipped when the server compresses its answers.
//
//	make ui && go run ./bench/ui -apps 100,10000
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/tiphys/tiphys/api/v1alpha1"
	benchplane "github.com/tiphys/tiphys/bench/internal/plane"
	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/testenv"
)

// options are the command line.
type options struct {
	sizes []int
	runs  int
}

func main() {
	var o options
	apps := flag.String("apps", "100,10000", "fleet sizes, comma-separated, measured in this order")
	flag.IntVar(&o.runs, "runs", 3, "page loads per size (the median is printed)")
	flag.Parse()
	for _, s := range strings.Split(*apps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -apps: bad size %q\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	slices.Sort(o.sizes)
	ctrllog.SetLogger(logr.Discard())
	if err := o.run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// load is what one page load measured (ui/e2e/bench.mjs).
type load struct {
	FirstRowsMs      float64 `json:"firstRowsMs"`
	Bytes            int64   `json:"bytes"`
	ListBytes        int64   `json:"listBytes"`
	ListDecodedBytes int64   `json:"listDecodedBytes"`
	ListWaitMs       float64 `json:"listWaitMs"`
	ListDownloadMs   float64 `json:"listDownloadMs"`
	ListEndMs        float64 `json:"listEndMs"`
	Rows             int     `json:"rows"`
	Apps             int     `json:"apps"`
}

func (o *options) run(ctx context.Context) error {
	root, err := testenv.ModuleRoot()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "ui", "dist", "index.html")); err != nil {
		return errors.New("the UI is not built: run make ui")
	}
	plane, err := benchplane.Start(ctx, "ui", 1)
	if err != nil {
		return err
	}
	defer plane.Stop()
	dir := plane.Dir
	tiphys := filepath.Join(dir, "tiphys")
	if err := testenv.BuildTiphys(tiphys); err != nil {
		return err
	}
	cfg := *plane.Config
	cfg.QPS, cfg.Burst = 500, 1000
	c, err := client.New(&cfg, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return err
	}

	results := map[int][]load{}
	created := 0
	for _, n := range o.sizes {
		start := time.Now()
		if err := createApps(ctx, c, created, n); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: %d apps created in %s\n", n-created, time.Since(start).Round(time.Millisecond))
		created = n
		// A server per size: its watch cache starts full, as after a restart.
		url, token, stop, err := startServer(ctx, c, tiphys, plane.Kubeconfig, filepath.Join(dir, "server-"+strconv.Itoa(n)+".log"))
		if err != nil {
			return err
		}
		out, err := exec.Command("node", filepath.Join(root, "ui", "e2e", "bench.mjs"), url, token, strconv.Itoa(o.runs)).Output()
		stop()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return fmt.Errorf("bench.mjs with %d apps: %w\n%s", n, err, ee.Stderr)
			}
			return fmt.Errorf("bench.mjs with %d apps: %w", n, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			var l load
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				return fmt.Errorf("bench.mjs printed %q: %w", sc.Text(), err)
			}
			if l.Apps != n {
				return fmt.Errorf("the list showed %d apps, want %d", l.Apps, n)
			}
			results[n] = append(results[n], l)
		}
	}
	printFigures(o.sizes, results)
	return nil
}

// statuses spread the fleet over the statuses a real one has.
var statuses = []struct{ sync, health string }{
	{"Synced", "Healthy"}, {"Synced", "Healthy"}, {"Synced", "Healthy"}, {"Synced", "Healthy"}, {"Synced", "Healthy"},
	{"Synced", "Healthy"}, {"OutOfSync", "Healthy"}, {"Synced", "Progressing"}, {"OutOfSync", "Missing"}, {"Synced", "Degraded"},
}

// createApps creates apps from..n-1 with their status set: three
// resources each, a sync revision, a project among five.
func createApps(ctx context.Context, c client.Client, from, n int) error {
	ids := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				if err := c.Create(ctx, benchApp(i)); err != nil {
					select {
					case errs <- fmt.Errorf("create app %d: %w", i, err):
					default:
					}
				}
			}
		}()
	}
	for i := from; i < n; i++ {
		ids <- i
	}
	close(ids)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func benchApp(i int) *v1alpha1.Application {
	name := fmt.Sprintf("app-%05d", i)
	st := statuses[i%len(statuses)]
	rev := fmt.Sprintf("%040x", i*7919)
	res := func(kind, group string) v1alpha1.ResourceStatus {
		return v1alpha1.ResourceStatus{Group: group, Version: "v1", Kind: kind, Namespace: name, Name: name,
			Status: v1alpha1.SyncStatusCode(st.sync), Health: &v1alpha1.HealthStatus{Status: v1alpha1.HealthStatusCode(st.health)}}
	}
	return &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: install.ProjectNamespace,
			Labels: map[string]string{"team": fmt.Sprintf("team-%d", i%20), "env": []string{"staging", "production"}[i%2]}},
		Spec: v1alpha1.ApplicationSpec{
			Project:     "default",
			Source:      &v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/platform.git", Path: "apps/" + name, TargetRevision: "HEAD"},
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: name},
		},
		Status: v1alpha1.ApplicationStatus{
			Sync:      v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCode(st.sync), Revision: rev},
			Health:    v1alpha1.AppHealthStatus{Status: v1alpha1.HealthStatusCode(st.health)},
			Resources: []v1alpha1.ResourceStatus{res("Service", ""), res("ConfigMap", ""), res("Deployment", "apps")},
		},
	}
}

// startServer runs `tiphys server` on a free port, logs in as admin and
// returns the URL, the session token and how to stop the server.
func startServer(ctx context.Context, c client.Client, tiphys, kubeconfig, logPath string) (string, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(logPath)
	if err != nil {
		return "", "", nil, err
	}
	cmd := exec.Command(tiphys, "server", "--kubeconfig", kubeconfig, "--listen", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", "", nil, fmt.Errorf("start tiphys server: %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); logf.Close() }
	url := "http://" + addr
	deadline := time.Now().Add(2 * time.Minute)
	for {
		token, err := login(ctx, c, url)
		if err == nil {
			return url, token, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", "", nil, fmt.Errorf("log in to tiphys server (log %s): %w", logPath, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func login(ctx context.Context, c client.Client, url string) (string, error) {
	var s corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: install.ProjectNamespace, Name: "argocd-initial-admin-secret"}, &s); err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": string(s.Data["password"])})
	resp, err := http.Post(url+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Token == "" {
		return "", fmt.Errorf("login: %s", resp.Status)
	}
	return r.Token, nil
}

// printFigures writes the medians side by side, one column per fleet size.
func printFigures(sizes []int, results map[int][]load) {
	median := func(n int, f func(load) float64) float64 {
		v := []float64{}
		for _, l := range results[n] {
			v = append(v, f(l))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "UI, app list in a fresh browser (median)\t")
	for _, n := range sizes {
		fmt.Fprintf(w, "%d apps\t", n)
	}
	fmt.Fprintln(w)
	row := func(label string, f func(load) float64, format func(float64) string) {
		fmt.Fprint(w, label+"\t")
		for _, n := range sizes {
			fmt.Fprint(w, format(median(n, f))+"\t")
		}
		fmt.Fprintln(w)
	}
	ms := func(v float64) string { return fmt.Sprintf("%.0f ms", v) }
	kib := func(v float64) string { return fmt.Sprintf("%.0f KiB", v/1024) }
	row("time to the list's first rows", func(l load) float64 { return l.FirstRowsMs }, ms)
	row("  the list request: server's wait", func(l load) float64 { return l.ListWaitMs }, ms)
	row("  the list request: download", func(l load) float64 { return l.ListDownloadMs }, ms)
	row("  after it: parse, filter, render", func(l load) float64 { return l.FirstRowsMs - l.ListEndMs }, ms)
	row("bytes transferred", func(l load) float64 { return float64(l.Bytes) }, kib)
	row("  of which GET /api/v1/applications", func(l load) float64 { return float64(l.ListBytes) }, kib)
	row("  that list decoded", func(l load) float64 { return float64(l.ListDecodedBytes) }, kib)
	row("  of which the UI (HTML, JS, CSS)", func(l load) float64 { return float64(l.Bytes - l.ListBytes) }, kib)
	row("rows in the DOM", func(l load) float64 { return float64(l.Rows) }, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	w.Flush()
}
