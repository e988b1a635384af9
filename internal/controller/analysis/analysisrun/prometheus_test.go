package analysisrun_test

import (
	"strings"
	"testing"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/testenv/promtest"
)

const successRateQuery = `sum(rate(http_requests_total{code="200"}[5s])) / sum(rate(http_requests_total[5s]))`

// successRateRun is a run with one success-rate metric: three
// measurements a second apart, none may fail; errors after one retry end it.
const successRateRun = `
metadata: {name: success-rate}
spec:
  metrics:
  - name: success-rate
    interval: 1s
    count: 3
    consecutiveErrorLimit: 1
    successCondition: result[0] >= 0.95
    failureCondition: result[0] < 0.95
    provider:
      prometheus:
        address: ADDRESS
        query: QUERY
`

// Given a real Prometheus scraping an application, when a run measures
// its success rate, then the run's phase follows the application as in
// Argo: good is Successful, bad Failed, no data Error, NaN Inconclusive.
func TestPrometheusSuccessRate(t *testing.T) {
	env.Require(t)
	tests := []struct {
		name    string
		setup   func(*promtest.Exporter)
		phase   v1alpha1.AnalysisPhase
		metric  func(*testing.T, v1alpha1.MetricResult)
		message string
	}{
		{
			name: "good", setup: func(e *promtest.Exporter) { e.SetErrorRate(0.01) },
			phase: v1alpha1.AnalysisPhaseSuccessful,
			metric: func(t *testing.T, r v1alpha1.MetricResult) {
				if r.Count != 3 || r.Successful != 3 || len(r.Measurements) != 3 {
					t.Errorf("want 3 successful measurements, got count %d successful %d measurements %d", r.Count, r.Successful, len(r.Measurements))
				}
				if r.Metadata["ResolvedPrometheusQuery"] != successRateQuery {
					t.Errorf("metadata %v", r.Metadata)
				}
			},
		},
		{
			name: "bad", setup: func(e *promtest.Exporter) { e.SetErrorRate(0.5) },
			phase:   v1alpha1.AnalysisPhaseFailed,
			message: `Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)`,
			metric: func(t *testing.T, r v1alpha1.MetricResult) {
				if r.Failed != 1 || r.Count != 1 {
					t.Errorf("want one failed measurement, got failed %d count %d", r.Failed, r.Count)
				}
			},
		},
		{
			name: "empty", setup: func(e *promtest.Exporter) { e.SetEmpty(true) },
			phase:   v1alpha1.AnalysisPhaseError,
			message: "consecutiveErrors (2) > consecutiveErrorLimit (1)",
			metric: func(t *testing.T, r v1alpha1.MetricResult) {
				if r.Error != 2 || r.ConsecutiveError != 2 || r.Count != 0 {
					t.Errorf("want 2 errors, got error %d consecutiveError %d count %d", r.Error, r.ConsecutiveError, r.Count)
				}
				for _, m := range r.Measurements {
					if m.Phase != v1alpha1.AnalysisPhaseError || m.Message != "no data for query "+successRateQuery {
						t.Errorf("measurement %s %q", m.Phase, m.Message)
					}
				}
			},
		},
		{
			name: "NaN", setup: func(e *promtest.Exporter) { e.SetRequestsPerScrape(0) },
			phase:   v1alpha1.AnalysisPhaseInconclusive,
			message: `Metric "success-rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)`,
			metric: func(t *testing.T, r v1alpha1.MetricResult) {
				if r.Inconclusive != 1 || r.Measurements[0].Value != "[NaN]" {
					t.Errorf("want one inconclusive NaN, got inconclusive %d measurements %+v", r.Inconclusive, r.Measurements)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			exp := promtest.NewExporter(t)
			prom := promtest.Start(t, exp.Target())
			tt.setup(exp)
			// Measure once Prometheus has the series (or their absence).
			prom.WaitForData(t, `count(up{job="promtest"} == 1)`)
			if tt.name != "empty" {
				prom.WaitForData(t, successRateQuery)
			}
			run := newRun(t, newNamespace(t), successRateRun, "ADDRESS", prom.URL, "QUERY", quote(successRateQuery))
			done := waitPhase(t, run, tt.phase)
			if tt.message != "" && !strings.Contains(done.Status.Message, tt.message) {
				t.Errorf("message %q, want it to hold %q", done.Status.Message, tt.message)
			}
			if done.Status.StartedAt == nil || done.Status.CompletedAt == nil {
				t.Errorf("startedAt %v completedAt %v", done.Status.StartedAt, done.Status.CompletedAt)
			}
			r := result(t, done, "success-rate")
			if r.Phase != tt.phase {
				t.Errorf("metric phase %s, want %s", r.Phase, tt.phase)
			}
			tt.metric(t, r)
			wantSummary := v1alpha1.RunSummary{Count: 1}
			switch tt.phase {
			case v1alpha1.AnalysisPhaseSuccessful:
				wantSummary.Successful = 1
			case v1alpha1.AnalysisPhaseFailed:
				wantSummary.Failed = 1
			case v1alpha1.AnalysisPhaseError:
				wantSummary.Error = 1
			case v1alpha1.AnalysisPhaseInconclusive:
				wantSummary.Inconclusive = 1
			}
			if done.Status.RunSummary != wantSummary {
				t.Errorf("runSummary %+v, want %+v", done.Status.RunSummary, wantSummary)
			}
		})
	}
}

// quote writes a string as a YAML double-quoted scalar.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
