package analysisrun

import (
	"testing"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestAssessTermination(t *testing.T) {
	const (
		ok      = v1alpha1.AnalysisPhaseSuccessful
		failed  = v1alpha1.AnalysisPhaseFailed
		running = v1alpha1.AnalysisPhaseRunning
		incon   = v1alpha1.AnalysisPhaseInconclusive
	)
	metrics := []v1alpha1.Metric{{Name: "latency"}, {Name: "rate", Interval: "1s", Count: num(5)}}
	stored := func() []v1alpha1.MetricResult {
		return []v1alpha1.MetricResult{
			{Name: "latency", Phase: failed, Count: 1, Failed: 1, Measurements: []v1alpha1.Measurement{done(failed, 0)}},
			{Name: "rate", Phase: running, Count: 2, Successful: 2, Measurements: []v1alpha1.Measurement{done(ok, 0), done(ok, 1)}},
		}
	}
	tests := []struct {
		name        string
		terminate   bool
		wantRun     v1alpha1.AnalysisPhase
		wantMessage string
		wantRate    v1alpha1.AnalysisPhase
		wantRateMsg string
		wantSummary v1alpha1.RunSummary
	}{
		{
			name: "another metric failed: the stopped one is Inconclusive", wantRun: failed,
			wantMessage: `Metric "latency" assessed Failed due to failed (1) > failureLimit (0)`,
			wantRate:    incon, wantRateMsg: `Metric Terminated: run ended by metric "latency" (Failed)`,
			wantSummary: v1alpha1.RunSummary{Count: 2, Failed: 1, Inconclusive: 1},
		},
		{
			name: "spec.terminate: Successful as Argo", terminate: true, wantRun: failed,
			wantMessage: `Metric "latency" assessed Failed due to failed (1) > failureLimit (0)`,
			wantRate:    ok, wantSummary: v1alpha1.RunSummary{Count: 2, Failed: 1, Successful: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &v1alpha1.AnalysisRun{Spec: v1alpha1.AnalysisRunSpec{Terminate: tt.terminate}}
			run.Status.MetricResults = stored()
			a := assess(run, metrics, map[string]bool{}, true)
			if a.phase != tt.wantRun || a.message != tt.wantMessage {
				t.Errorf("run %s %q, want %s %q", a.phase, a.message, tt.wantRun, tt.wantMessage)
			}
			rate := resultOf(run, "rate")
			if rate.Phase != tt.wantRate || rate.Message != tt.wantRateMsg {
				t.Errorf("rate %s %q, want %s %q", rate.Phase, rate.Message, tt.wantRate, tt.wantRateMsg)
			}
			if run.Status.RunSummary != tt.wantSummary {
				t.Errorf("summary %+v, want %+v", run.Status.RunSummary, tt.wantSummary)
			}
		})
	}
}

func TestAssessRunTerminatedMessage(t *testing.T) {
	run := &v1alpha1.AnalysisRun{Spec: v1alpha1.AnalysisRunSpec{Terminate: true}}
	a := assess(run, []v1alpha1.Metric{{Name: "m", InitialDelay: "1h"}}, map[string]bool{}, true)
	if a.phase != v1alpha1.AnalysisPhaseSuccessful || a.message != runTerminatedMessage {
		t.Errorf("run %s %q, want Successful %q", a.phase, a.message, runTerminatedMessage)
	}
}
