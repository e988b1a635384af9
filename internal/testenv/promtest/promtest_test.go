package promtest

import (
	"context"
	"strconv"
	"testing"
	"time"
)

const successRate = `sum(rate(http_requests_total{code="200"}[5s])) / sum(rate(http_requests_total[5s]))`

// TestPrometheusScrapesExporter runs the real server: every shape of
// result the analysis tests need comes out of PromQL.
func TestPrometheusScrapesExporter(t *testing.T) {
	exp := NewExporter(t)
	exp.SetErrorRate(0.25)
	prom := Start(t, exp.Target())
	values := prom.WaitForData(t, successRate)
	if v, err := strconv.ParseFloat(values[0], 64); err != nil || v < 0.7 || v > 0.8 {
		t.Errorf("success rate = %v, want 0.75", values)
	}
	exp.SetRequestsPerScrape(0)
	waitFor(t, prom, successRate, func(v []string) bool { return len(v) == 1 && v[0] == "NaN" })
	exp.SetEmpty(true)
	waitFor(t, prom, successRate, func(v []string) bool { return len(v) == 0 })
}

func TestConfig(t *testing.T) {
	want := "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n- job_name: promtest\n  static_configs:\n  - targets: [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n"
	if got := Config("127.0.0.1:1", "127.0.0.1:2"); got != want {
		t.Errorf("Config =\n%s\nwant\n%s", got, want)
	}
}

func waitFor(t *testing.T, prom *Prometheus, query string, ok func([]string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var last []string
	for ctx.Err() == nil {
		v, err := prom.Query(ctx, query)
		if err == nil && ok(v) {
			return
		}
		last = v
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("query %s: last %v", query, last)
}
