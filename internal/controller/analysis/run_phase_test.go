package analysis

import (
	"errors"
	"testing"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestWorse(t *testing.T) {
	order := []v1alpha1.AnalysisPhase{successful, running, pending, inconclusive, errored, failed}
	for i := range order {
		for j := range order {
			if got := Worse(order[i], order[j]); got != (j > i) {
				t.Errorf("Worse(%s, %s) = %v", order[i], order[j], got)
			}
		}
	}
}

func TestRunPhase(t *testing.T) {
	tests := []struct {
		name        string
		metrics     []MetricState
		terminating bool
		want        v1alpha1.AnalysisPhase
		wantMessage string
	}{
		{name: "no metrics", want: running},
		{name: "all successful", metrics: []MetricState{{Name: "a", Phase: successful}, {Name: "b", Phase: successful}}, want: successful},
		{name: "one still running", metrics: []MetricState{{Name: "a", Phase: failed}, {Name: "b", Phase: running}}, want: running},
		{name: "one pending", metrics: []MetricState{{Name: "a", Phase: successful}, {Name: "b", Phase: pending}}, want: running},
		{
			name: "worst wins: failed over error",
			metrics: []MetricState{
				{Name: "a", Phase: errored, Reason: "consecutiveErrors (5) > consecutiveErrorLimit (4)"},
				{Name: "b", Phase: failed, Reason: "failed (1) > failureLimit (0)"},
				{Name: "c", Phase: inconclusive, Reason: "inconclusive (1) > inconclusiveLimit (0)"},
			},
			want: failed, wantMessage: `Metric "b" assessed Failed due to failed (1) > failureLimit (0)`,
		},
		{
			name: "error over inconclusive, with the last measurement's message",
			metrics: []MetricState{
				{Name: "a", Phase: inconclusive, Reason: "inconclusive (1) > inconclusiveLimit (0)"},
				{Name: "b", Phase: errored, Reason: "consecutiveErrors (5) > consecutiveErrorLimit (4)", Message: "no data for query up"},
			},
			want:        errored,
			wantMessage: `Metric "b" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "no data for query up"`,
		},
		{
			name:    "dry run failure does not count",
			metrics: []MetricState{{Name: "a", Phase: successful}, {Name: "dry", Phase: failed, Reason: "x", DryRun: true}},
			want:    successful,
		},
		{
			name:    "only dry runs completed",
			metrics: []MetricState{{Name: "dry", Phase: errored, DryRun: true}},
			want:    successful,
		},
		{
			name:    "dry run failed, real metric running",
			metrics: []MetricState{{Name: "dry", Phase: failed, DryRun: true}, {Name: "a", Phase: running}},
			want:    running,
		},
		{
			name:        "terminating with nothing measured",
			metrics:     []MetricState{{Name: "a", Phase: pending}},
			terminating: true, want: successful,
		},
		{
			name:        "terminating takes the worst so far",
			metrics:     []MetricState{{Name: "a", Phase: inconclusive, Reason: "r"}, {Name: "b", Phase: running}},
			terminating: true, want: inconclusive, wantMessage: `Metric "a" assessed Inconclusive due to r`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := RunPhase(tt.metrics, tt.terminating)
			if got != tt.want || msg != tt.wantMessage {
				t.Errorf("RunPhase = %s %q, want %s %q", got, msg, tt.want, tt.wantMessage)
			}
		})
	}
}

func TestTerminating(t *testing.T) {
	if !Terminating(true, nil) {
		t.Error("spec.terminate does not terminate")
	}
	if Terminating(false, []MetricState{{Phase: failed, DryRun: true}, {Phase: running}}) {
		t.Error("a failed dry run terminates the run")
	}
	for _, p := range []v1alpha1.AnalysisPhase{failed, errored, inconclusive} {
		if !Terminating(false, []MetricState{{Phase: successful}, {Phase: p}}) {
			t.Errorf("a %s metric does not terminate the run", p)
		}
	}
}

func TestDryRunMetrics(t *testing.T) {
	metrics := []v1alpha1.Metric{{Name: "success-rate"}, {Name: "latency-p99"}, {Name: "errors"}}
	got, err := DryRunMetrics([]v1alpha1.DryRun{{MetricName: "latency"}, {MetricName: "^errors$"}}, metrics)
	if err != nil {
		t.Fatal(err)
	}
	if !got["latency-p99"] || !got["errors"] || got["success-rate"] {
		t.Errorf("DryRunMetrics = %v", got)
	}
	all, err := DryRunMetrics([]v1alpha1.DryRun{{MetricName: ".*"}}, metrics)
	if err != nil || len(all) != 3 {
		t.Errorf("'.*' = %v, %v", all, err)
	}
	if _, err := DryRunMetrics([]v1alpha1.DryRun{{MetricName: "cpu"}}, metrics); !errors.Is(err, ErrNoMetricMatched) {
		t.Errorf("unmatched rule: err = %v", err)
	}
	if _, err := DryRunMetrics([]v1alpha1.DryRun{{MetricName: "("}}, metrics); err == nil {
		t.Error("invalid expression: no error")
	}
}
