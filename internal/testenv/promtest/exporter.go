// Package promtest gives tests a real Prometheus server scraping a fake
// application: [NewExporter] serves a request counter whose success rate
// the test sets, [Start] runs the Prometheus binary of the Debian package
// prometheus against it, so that analysis tests query real PromQL.
//
//	exp := promtest.NewExporter(t)
//	exp.SetErrorRate(0.5)
//	prom := promtest.Start(t, exp.Target())
//	prom.WaitForData(t, `sum(rate(http_requests_total[5s]))`)
//	// a metric with prometheus.address: prom.URL
package promtest

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// DefaultRequestsPerScrape is how many requests an [Exporter] counts
// between two scrapes until the test sets another number.
const DefaultRequestsPerScrape = 100

// Exporter is an HTTP server on 127.0.0.1 serving /metrics in the
// Prometheus text format: the counter http_requests_total with the series
// {code="200"} and {code="500"}. Each scrape advances the counter by the
// requests per scrape, split by the error rate, so that PromQL rates give:
//
//   - a success rate of 1 - error rate (SetErrorRate);
//   - NaN for a ratio of rates when no requests happen
//     (SetRequestsPerScrape(0): 0/0);
//   - an empty vector when the series are gone (SetEmpty(true)).
//
// It is safe for concurrent use.
type Exporter struct {
	srv *httptest.Server

	mu        sync.Mutex
	ok, errs  float64
	perScrape int
	errorRate float64
	empty     bool
	carry     float64
	service   string
}

// NewExporter starts an exporter with no errors and
// DefaultRequestsPerScrape requests per scrape; it stops when the test
// ends.
func NewExporter(t testing.TB) *Exporter {
	t.Helper()
	e := &Exporter{perScrape: DefaultRequestsPerScrape}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", e.serve)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// Target is the exporter's host:port, for a scrape config.
func (e *Exporter) Target() string {
	return strings.TrimPrefix(e.srv.URL, "http://")
}

// URL is the exporter's base URL.
func (e *Exporter) URL() string {
	return e.srv.URL
}

// SetErrorRate sets the share (0 to 1) of requests answered 500.
func (e *Exporter) SetErrorRate(rate float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errorRate = math.Min(math.Max(rate, 0), 1)
}

// SetRequestsPerScrape sets how many requests each scrape counts; 0 keeps
// the counters still, so rates are 0 and their ratios NaN.
func (e *Exporter) SetRequestsPerScrape(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.perScrape = max(n, 0)
}

// SetEmpty hides the series (true) so that queries return an empty
// vector, or shows them again (false).
func (e *Exporter) SetEmpty(empty bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.empty = empty
}

// SetService adds the label service="name" to every series, as a
// service's own exporter would, so that queries can select it.
func (e *Exporter) SetService(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.service = name
}

func (e *Exporter) serve(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	errs := float64(e.perScrape)*e.errorRate + e.carry
	whole := math.Floor(errs)
	e.carry = errs - whole
	e.errs += whole
	e.ok += float64(e.perScrape) - whole
	ok, bad, empty := e.ok, e.errs, e.empty
	extra := ""
	if e.service != "" {
		extra = fmt.Sprintf(",service=%q", e.service)
	}
	e.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	if empty {
		return
	}
	fmt.Fprintln(w, "# HELP http_requests_total Requests served, by status code.")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	fmt.Fprintf(w, "http_requests_total{code=\"200\"%s} %g\n", extra, ok)
	fmt.Fprintf(w, "http_requests_total{code=\"500\"%s} %g\n", extra, bad)
}
