package analysis

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

const (
	pending      = v1alpha1.AnalysisPhasePending
	running      = v1alpha1.AnalysisPhaseRunning
	successful   = v1alpha1.AnalysisPhaseSuccessful
	failed       = v1alpha1.AnalysisPhaseFailed
	inconclusive = v1alpha1.AnalysisPhaseInconclusive
	errored      = v1alpha1.AnalysisPhaseError
)

// tally builds a metric result from measurement phases in order.
func tally(phases ...v1alpha1.AnalysisPhase) v1alpha1.MetricResult {
	var r v1alpha1.MetricResult
	for _, p := range phases {
		Tally(&r, p)
		r.Measurements = append(r.Measurements, v1alpha1.Measurement{Phase: p})
	}
	return r
}

func n(i int) *intstr.IntOrString {
	v := intstr.FromInt32(int32(i))
	return &v
}

func TestTally(t *testing.T) {
	r := tally(successful, successful, errored, errored, failed, inconclusive, successful, errored)
	want := v1alpha1.MetricResult{
		Count: 5, Successful: 3, Failed: 1, Inconclusive: 1, Error: 3,
		ConsecutiveError: 1, ConsecutiveSuccess: 0,
	}
	r.Measurements = nil
	if r.Count != want.Count || r.Successful != want.Successful || r.Failed != want.Failed ||
		r.Inconclusive != want.Inconclusive || r.Error != want.Error ||
		r.ConsecutiveError != want.ConsecutiveError || r.ConsecutiveSuccess != want.ConsecutiveSuccess {
		t.Errorf("tally = %+v, want %+v", r, want)
	}
	inFlight := tally(successful)
	Tally(&inFlight, v1alpha1.AnalysisPhaseRunning)
	if inFlight.Count != 1 || inFlight.ConsecutiveSuccess != 1 {
		t.Errorf("a running measurement changed the counters: %+v", inFlight)
	}
}

func TestMetricPhase(t *testing.T) {
	interval := v1alpha1.DurationString("1m")
	tests := []struct {
		name        string
		metric      v1alpha1.Metric
		result      v1alpha1.MetricResult
		terminating bool
		want        v1alpha1.AnalysisPhase
		wantReason  string
	}{
		{name: "no measurement", result: tally(), want: pending},
		{name: "no measurement, terminating", result: tally(), terminating: true, want: successful},
		{name: "completed keeps phase", result: v1alpha1.MetricResult{Phase: failed}, terminating: true, want: failed},
		{name: "in flight", result: tally(successful, running), want: running},
		{name: "single success", result: tally(successful), want: successful},
		{name: "single failure", result: tally(failed), want: failed, wantReason: "failed (1) > failureLimit (0)"},
		{name: "single inconclusive", result: tally(inconclusive), want: inconclusive, wantReason: "inconclusive (1) > inconclusiveLimit (0)"},
		{name: "one error is retried", result: tally(errored), want: running},
		{
			name: "failures within limit", metric: v1alpha1.Metric{Interval: interval, Count: n(5), FailureLimit: n(2)},
			result: tally(failed, successful, failed), want: running,
		},
		{
			name: "failures over limit (strict >)", metric: v1alpha1.Metric{Interval: interval, Count: n(5), FailureLimit: n(2)},
			result: tally(failed, failed, failed), want: failed, wantReason: "failed (3) > failureLimit (2)",
		},
		{
			name: "count reached with tolerated failures", metric: v1alpha1.Metric{Interval: interval, Count: n(3), FailureLimit: n(1)},
			result: tally(successful, failed, successful), want: successful,
		},
		{
			name: "failureLimit -1 disables", metric: v1alpha1.Metric{Interval: interval, Count: n(3), FailureLimit: n(-1)},
			result: tally(failed, failed), want: running,
		},
		{
			name: "inconclusive limit", metric: v1alpha1.Metric{Interval: interval, Count: n(5), InconclusiveLimit: n(1)},
			result: tally(inconclusive, inconclusive), want: inconclusive, wantReason: "inconclusive (2) > inconclusiveLimit (1)",
		},
		{
			name: "default consecutive error limit is 4", metric: v1alpha1.Metric{Interval: interval},
			result: tally(errored, errored, errored, errored), want: running,
		},
		{
			name: "fifth consecutive error", metric: v1alpha1.Metric{Interval: interval},
			result: tally(errored, errored, errored, errored, errored), want: errored,
			wantReason: "consecutiveErrors (5) > consecutiveErrorLimit (4)",
		},
		{
			name: "errors interrupted by a success", metric: v1alpha1.Metric{Interval: interval},
			result: tally(errored, errored, errored, successful, errored, errored), want: running,
		},
		{
			name: "consecutiveErrorLimit 0", metric: v1alpha1.Metric{ConsecutiveErrorLimit: n(0)},
			result: tally(errored), want: errored, wantReason: "consecutiveErrors (1) > consecutiveErrorLimit (0)",
		},
		{
			name:   "error beats inconclusive beats failed",
			metric: v1alpha1.Metric{Interval: interval, ConsecutiveErrorLimit: n(0)},
			result: tally(failed, inconclusive, errored), want: errored,
			wantReason: "consecutiveErrors (1) > consecutiveErrorLimit (0)",
		},
		{
			name: "inconclusive beats failed", metric: v1alpha1.Metric{Interval: interval},
			result: tally(failed, inconclusive), want: inconclusive,
			wantReason: "inconclusive (1) > inconclusiveLimit (0)",
		},
		{
			name:   "consecutive successes end early",
			metric: v1alpha1.Metric{Interval: interval, Count: n(10), FailureLimit: n(3), ConsecutiveSuccessLimit: n(2)},
			result: tally(failed, successful, successful), want: successful,
		},
		{
			name:   "count reached, success streak missed, failureLimit applies",
			metric: v1alpha1.Metric{Interval: interval, Count: n(3), FailureLimit: n(3), ConsecutiveSuccessLimit: n(3)},
			result: tally(successful, failed, successful), want: inconclusive,
			wantReason: "consecutiveSuccessLimit (3) not reached",
		},
		{
			name:   "count reached, success streak missed, failureLimit -1",
			metric: v1alpha1.Metric{Interval: interval, Count: n(3), FailureLimit: n(-1), ConsecutiveSuccessLimit: n(3)},
			result: tally(successful, failed, successful), want: failed,
			wantReason: "consecutiveSuccessLimit (3) not reached",
		},
		{
			name: "indefinite metric keeps running", metric: v1alpha1.Metric{Interval: interval},
			result: tally(successful, successful, successful), want: running,
		},
		{
			name: "indefinite metric ends when terminating", metric: v1alpha1.Metric{Interval: interval},
			result: tally(successful, failed), terminating: true, want: failed,
			wantReason: "failed (1) > failureLimit (0)",
		},
		{
			name: "indefinite metric, terminating, all good", metric: v1alpha1.Metric{Interval: interval},
			result: tally(successful), terminating: true, want: successful,
		},
		{
			name: "limits from substituted arguments", metric: v1alpha1.Metric{Interval: interval, Count: ptrStr("3"), FailureLimit: ptrStr("1")},
			result: tally(failed, successful, successful), want: successful,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MetricPhase(tt.metric, tt.result, tt.terminating)
			if got.Phase != tt.want || got.Reason != tt.wantReason {
				t.Errorf("MetricPhase = %s %q, want %s %q", got.Phase, got.Reason, tt.want, tt.wantReason)
			}
		})
	}
}

func ptrStr(s string) *intstr.IntOrString {
	v := intstr.FromString(s)
	return &v
}

func TestEffectiveCount(t *testing.T) {
	tests := []struct {
		name   string
		metric v1alpha1.Metric
		want   int // -1 for nil
	}{
		{name: "nothing set", want: 1},
		{name: "interval only", metric: v1alpha1.Metric{Interval: "30s"}, want: -1},
		{name: "count 0 with interval", metric: v1alpha1.Metric{Interval: "30s", Count: n(0)}, want: -1},
		{name: "count", metric: v1alpha1.Metric{Interval: "30s", Count: n(4)}, want: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := -1
			if c := EffectiveCount(tt.metric); c != nil {
				got = *c
			}
			if got != tt.want {
				t.Errorf("EffectiveCount = %d, want %d", got, tt.want)
			}
		})
	}
}
