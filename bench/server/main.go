// Command server measures the API server's application list on a local
// control plane: N Applications with the status a synced microservice has
// (8 resources, an operation, 3 history entries) are created, the server
// runs in this process over its watch cache (as `tiphys server`), and each
// query is timed (median of -runs) with its answer's size, at 100 apps and
// at -apps, side by side:
//
//   - the whole list, every app in full (what Argo CD's list answers);
//   - the list projected to the fields the web UI's list shows
//     (Argo CD's fields parameter);
//   - one page of a server-side filter (health, name search, limit);
//   - one app.
//
// Answers are asked gzipped, as browsers ask; the server keeps each app's
// encoding until it changes, so the first call (every app encoded) is
// printed apart.
//
//	go run ./bench/server -apps 10000
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/server"
	"github.com/tiphys/tiphys/internal/testenv"
)

// namespace is Argo CD's namespace in the benchmark.
const namespace = "argocd"

// uiFields is the projection the web UI's application list asks for.
const uiFields = "items.metadata.name,items.metadata.namespace,items.metadata.labels,items.spec.project," +
	"items.spec.source.repoURL,items.spec.source.path,items.spec.source.targetRevision,items.spec.destination," +
	"items.status.sync.status,items.status.sync.revision,items.status.health.status,items.status.operationState.phase"

// cpuProfile is -cpuprofile.
var cpuProfile string

// query is one measured call.
type query struct{ name, path string }

var queries = []query{
	{"whole list (every app in full)", "/api/v1/applications"},
	{"UI list (fields)", "/api/v1/applications?fields=" + uiFields},
	{"filtered page (health, search, limit 50)", "/api/v1/applications?health=Degraded&search=svc-0&limit=50"},
	{"one app", "/api/v1/applications/svc-00042"},
}

// result is one query's median time, answer size (JSON) and bytes on
// the wire (gzip, as a browser asks).
type result struct {
	took        time.Duration
	bytes, wire int
	// first is the first call's time: every app encoded, no encoding
	// cached yet.
	first time.Duration
}

func main() {
	apps := flag.Int("apps", 10000, "number of Applications (the first figures are at 100)")
	runs := flag.Int("runs", 7, "calls per query; the median is printed")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the calls at -apps to this file")
	flag.Parse()
	if err := run(context.Background(), *apps, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n, runs int) error {
	if n < 100 {
		return fmt.Errorf("-apps %d: want at least 100", n)
	}
	bin, err := testenv.BinDir()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tiphys-bench-server-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	plane, err := localcluster.Start(ctx, localcluster.Options{Dir: filepath.Join(dir, "plane"), BinDir: bin})
	if err != nil {
		return fmt.Errorf("local control plane: %w", err)
	}
	defer plane.Stop()
	if _, err := install.Apply(ctx, plane.Config, install.Options{}); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctrl.SetLogger(logr.Discard())
	cl, err := server.StartCluster(cctx, plane.Config, testenv.Scheme(), namespace)
	if err != nil {
		return err
	}
	s := server.New(server.Options{Client: cl.GetClient(), Namespace: namespace, Log: logr.Discard(), Cache: cl.GetCache()})
	password, err := s.Init(ctx)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	token, err := login(srv.URL, password)
	if err != nil {
		return err
	}
	var figures []map[string]result
	for _, size := range []int{100, n} {
		start := time.Now()
		if err := createApps(ctx, cl.GetClient(), size); err != nil {
			return err
		}
		if err := waitListed(srv.URL, token, size); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d apps created and cached in %v\n", size, time.Since(start).Round(time.Millisecond))
		f := map[string]result{}
		if size == n && cpuProfile != "" {
			prof, err := os.Create(cpuProfile)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(prof); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		for _, q := range queries {
			if f[q.name], err = measure(srv.URL+q.path, token, runs); err != nil {
				return err
			}
		}
		figures = append(figures, f)
	}
	fmt.Printf("application list of the API server, median of %d calls (time, JSON, gzipped on the wire)\n", runs)
	fmt.Printf("%-42s %30s %30s\n", "query", "100 apps", fmt.Sprintf("%d apps", n))
	for _, q := range queries {
		fmt.Printf("%-42s %30s %30s\n", q.name, figures[0][q.name], figures[1][q.name])
	}
	whole := queries[0].name
	fmt.Printf("%-42s %30s %30s\n", "whole list, first call (nothing cached)",
		fmt.Sprintf("%7.1f ms", ms(figures[0][whole].first)), fmt.Sprintf("%7.1f ms", ms(figures[1][whole].first)))
	return nil
}

func (r result) String() string {
	return fmt.Sprintf("%7.1f ms %9s %9s", ms(r.took), size(r.bytes), size(r.wire))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// size is a byte count in B, KiB or MiB.
func size(b int) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// measure calls url runs times and returns the median time and the size
// of the answer.
func measure(url, token string, runs int) (result, error) {
	var times []time.Duration
	var r result
	for range runs {
		start := time.Now()
		body, wire, err := get(url, token)
		if err != nil {
			return result{}, err
		}
		times = append(times, time.Since(start))
		r.bytes, r.wire = len(body), wire
	}
	r.first = times[0]
	slices.Sort(times)
	r.took = times[len(times)/2]
	return r, nil
}

// get is a GET with the token, asking for gzip as browsers do; it
// returns the answer and its size on the wire. An answer other than 200
// is an error.
func get(url, token string) ([]byte, int, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, err
	}
	body := raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, 0, err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return nil, 0, err
		}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, len(raw), nil
}

// httpPost posts a JSON body and returns the answer.
func httpPost(url, body string) ([]byte, error) {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
