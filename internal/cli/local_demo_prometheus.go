package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
)

// demoServices are the example's microservices, whose requests the demo's
// exporter counts.
var demoServices = []string{"api-gateway", "order-service", "notification-worker", "ml-inference-gateway"}

func newLocalDemoServeMetricsCmd() *cobra.Command {
	var listen, errorsFile string
	cmd := &cobra.Command{
		Use:    "serve-metrics --listen ADDR [--errors-file F]",
		Short:  "Serve http_requests_total of the example's services for the demo's Prometheus",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e := &demoExporter{errorsFile: errorsFile, last: time.Now(), ok: map[string]float64{}, failed: map[string]float64{}}
			h := http.HandlerFunc(e.serve)
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("serve metrics: %w", err)
			}
			srv := &http.Server{Handler: h}
			go func() { <-cmd.Context().Done(); _ = srv.Close() }()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve metrics: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "address to listen on")
	cmd.Flags().StringVar(&errorsFile, "errors-file", "", `lines "SERVICE PERCENT": the share of that service's requests answered 500, read at every scrape`)
	return cmd
}

// demoExporter counts steady traffic, 50 requests a second per service,
// answered 500 at the rate its errors file gives (none by default).
type demoExporter struct {
	errorsFile string
	mu         sync.Mutex
	last       time.Time
	ok, failed map[string]float64
}

func (e *demoExporter) serve(w http.ResponseWriter, _ *http.Request) {
	pct := map[string]float64{}
	if b, err := os.ReadFile(e.errorsFile); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			var svc string
			var p float64
			if n, _ := fmt.Sscanf(line, "%s %g", &svc, &p); n == 2 {
				pct[svc] = min(max(p, 0), 100)
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	n := now.Sub(e.last).Seconds() * 50
	e.last = now
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	for _, s := range demoServices {
		e.failed[s] += n * pct[s] / 100
		e.ok[s] += n * (100 - pct[s]) / 100
		fmt.Fprintf(w, "http_requests_total{service=%q,code=\"200\"} %.0f\n", s, e.ok[s])
		fmt.Fprintf(w, "http_requests_total{service=%q,code=\"500\"} %.0f\n", s, e.failed[s])
	}
}

// demoPrometheusBinary is the Prometheus server the demo runs when present
// (Debian's package prometheus; make test-deps installs it).
const demoPrometheusBinary = "/usr/bin/prometheus"

// startDemoPrometheus starts the exporter and a Prometheus scraping it every
// 5 s, at prevURL's address when it is free (the previous demo's, which
// its repository names), and returns Prometheus' URL; "" when there is no
// Prometheus binary.
func startDemoPrometheus(dir, prevURL string) (string, error) {
	if _, err := os.Stat(demoPrometheusBinary); err != nil {
		return "", nil
	}
	exporterAddr, err := freeLoopbackAddr()
	if err != nil {
		return "", fmt.Errorf("exporter address: %w", err)
	}
	if err := startDetached(dir, "exporter", "local", "demo", "serve-metrics", "--listen", exporterAddr,
		"--errors-file", filepath.Join(dir, "errors")); err != nil {
		return "", err
	}
	promDir := filepath.Join(dir, "prometheus")
	if err := os.MkdirAll(promDir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", promDir, err)
	}
	config := fmt.Sprintf("global:\n  scrape_interval: 5s\nscrape_configs:\n- job_name: demo-services\n  static_configs:\n  - targets: [%q]\n", exporterAddr)
	configPath := filepath.Join(promDir, "prometheus.yml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", configPath, err)
	}
	promAddr, err := loopbackAddr(strings.TrimPrefix(prevURL, "http://"))
	if err != nil {
		return "", fmt.Errorf("prometheus address: %w", err)
	}
	if err := startDetachedProgram(dir, "prometheus", demoPrometheusBinary,
		"--config.file="+configPath, "--storage.tsdb.path="+filepath.Join(promDir, "data"),
		"--web.listen-address="+promAddr); err != nil {
		return "", err
	}
	url := "http://" + promAddr
	if err := waitHTTP(url+"/-/ready", 60*time.Second); err != nil {
		return "", fmt.Errorf("prometheus: %w (see %s)", err, filepath.Join(dir, "prometheus.log"))
	}
	return url, nil
}

// pointAnalysisAt sets the Prometheus address of the microservice chart's
// analysis to url in the working clone and commits and pushes it.
func pointAnalysisAt(work, url string) error {
	p := filepath.Join(work, filepath.FromSlash(demoAnalysisValues))
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	const old = "address: " + demoInClusterPrometheus
	if !strings.Contains(string(b), old) {
		return fmt.Errorf("%s: no %q to replace", p, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, "address: "+url, 1)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	for _, s := range [][]string{
		{"-C", work, "commit", "--quiet", "-am", "demo: local Prometheus"},
		{"-C", work, "push", "--quiet"},
	} {
		if err := runQuiet("git", s...); err != nil {
			return fmt.Errorf("commit the demo's Prometheus: %w", err)
		}
	}
	return nil
}

// startDemoAnalysis starts the demo's Prometheus (startDemoPrometheus) and
// points the microservice chart's analysis at it: a commit in the new
// working clone, or in a kept repository a commit moving the address it
// names (prev's, or the example's in-cluster one). It returns the address
// the repository names afterwards, and whether Prometheus runs.
func startDemoAnalysis(step func(string, ...any), dir, bare, platform string, prev *demoAddresses) (string, bool, error) {
	var prevProm string
	if prev != nil {
		prevProm = prev.Prometheus
	}
	promURL, err := startDemoPrometheus(dir, prevProm)
	if err != nil {
		return "", false, err
	}
	switch {
	case promURL == "":
		step("no %s: the canaries' analysis will find no Prometheus and abort", demoPrometheusBinary)
		return prevProm, false, nil // what the kept repository still names
	case prev == nil:
		step("Prometheus at %s scrapes the services' http_requests_total (commit \"demo: local Prometheus\")", promURL)
		if err := pointAnalysisAt(platform, promURL); err != nil {
			return "", false, err
		}
	default:
		step("Prometheus at %s scrapes the services' http_requests_total", promURL)
		if prevProm == "" {
			prevProm = demoInClusterPrometheus
		}
		if err := moveDemoRepo(bare, "address: "+prevProm, "address: "+promURL, "demo: local Prometheus at "+promURL, demoAnalysisValues); err != nil {
			return "", false, err
		}
	}
	return promURL, true, nil
}
