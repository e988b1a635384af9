package promtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// DefaultBinary is where the Debian package prometheus installs the server.
const DefaultBinary = "/usr/bin/prometheus"

// BinaryEnv names the environment variable that overrides DefaultBinary.
const BinaryEnv = "TIPHYS_PROMETHEUS"

// readyTimeout bounds the wait for a starting server.
const readyTimeout = 60 * time.Second

// Prometheus is a running Prometheus server.
type Prometheus struct {
	// URL is the server's base URL, http://127.0.0.1:PORT, for a metric's
	// prometheus.address.
	URL string

	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
}

// Binary is the Prometheus binary tests run: $TIPHYS_PROMETHEUS, else
// DefaultBinary.
func Binary() string {
	if b := os.Getenv(BinaryEnv); b != "" {
		return b
	}
	return DefaultBinary
}

// Start runs Prometheus on a free loopback port, scraping the targets
// (host:port, path /metrics) every second into a temporary storage
// directory, waits until it is ready (/-/ready) and stops it when the test
// ends. Without the binary the test fails, saying that make test installs
// it; with -short it is skipped instead.
func Start(t testing.TB, targets ...string) *Prometheus {
	t.Helper()
	bin := Binary()
	if _, err := os.Stat(bin); err != nil {
		if testing.Short() {
			t.Skipf("prometheus test: %s missing (skipped with -short)", bin)
		}
		t.Fatalf("prometheus binary %s not found: run 'make test' (its test-deps target installs the Debian package prometheus), or set %s", bin, BinaryEnv)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, []byte(Config(targets...)), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, err := freeAddress()
	if err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin,
		"--config.file="+config,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &Prometheus{URL: "http://" + addr, cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	if err := p.waitReady(); err != nil {
		t.Fatalf("prometheus: %v\n%s", err, p.output())
	}
	return p
}

// Config is the configuration Start writes: one job scraping the targets
// every second.
func Config(targets ...string) string {
	quoted := make([]string, len(targets))
	for i, target := range targets {
		quoted[i] = fmt.Sprintf("%q", target)
	}
	return fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
- job_name: promtest
  static_configs:
  - targets: [%s]
`, strings.Join(quoted, ", "))
}

// waitReady polls /-/ready until it answers 200.
func (p *Prometheus) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return errors.New("exited before it was ready")
		default:
		}
		resp, err := http.Get(p.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s", readyTimeout)
}

// Query runs an instant query and returns the values of the vector or
// scalar it gives, as Prometheus writes them ("0.95", "NaN").
func (p *Prometheus) Query(ctx context.Context, query string) ([]string, error) {
	form := url.Values{"query": {query}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/api/v1/query", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", query, err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("query %q: %w", query, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", query, body.Error)
	}
	switch body.Data.ResultType {
	case "scalar":
		var point [2]any
		if err := json.Unmarshal(body.Data.Result, &point); err != nil {
			return nil, fmt.Errorf("query %q: %w", query, err)
		}
		return []string{fmt.Sprint(point[1])}, nil
	case "vector":
		var samples []struct {
			Value [2]any `json:"value"`
		}
		if err := json.Unmarshal(body.Data.Result, &samples); err != nil {
			return nil, fmt.Errorf("query %q: %w", query, err)
		}
		out := make([]string, len(samples))
		for i, s := range samples {
			out[i] = fmt.Sprint(s.Value[1])
		}
		return out, nil
	}
	return nil, fmt.Errorf("query %q: result type %s", query, body.Data.ResultType)
}

// WaitForData waits (up to a minute) until an instant query returns at
// least one sample, so a test measures after Prometheus scraped enough
// to compute its rates.
func (p *Prometheus) WaitForData(t testing.TB, query string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var last error
	for ctx.Err() == nil {
		values, err := p.Query(ctx, query)
		if err == nil && len(values) > 0 {
			return values
		}
		last = err
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("prometheus: no data for %q within a minute (last error: %v)\n%s", query, last, p.output())
	return nil
}

// stop ends the server: SIGTERM, then SIGKILL after 10 seconds.
func (p *Prometheus) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	_ = p.log.Close()
}

// output is the server's log so far, for failure messages.
func (p *Prometheus) output() string {
	raw, _ := os.ReadFile(p.log.Name())
	return string(raw)
}

// freeAddress is a loopback address with a port free a moment ago.
func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
