package analysisrun

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *metav1.Time {
	t := metav1.NewTime(t0.Add(d))
	return &t
}

func done(phase v1alpha1.AnalysisPhase, finished time.Duration) v1alpha1.Measurement {
	return v1alpha1.Measurement{Phase: phase, StartedAt: at(finished), FinishedAt: at(finished)}
}

func num(n int) *intstr.IntOrString {
	v := intstr.FromInt32(int32(n))
	return &v
}

func TestScheduleDueAndNext(t *testing.T) {
	const (
		ok  = v1alpha1.AnalysisPhaseSuccessful
		bad = v1alpha1.AnalysisPhaseError
	)
	every10s := v1alpha1.Metric{Name: "m", Interval: "10s", Count: num(3)}
	tests := []struct {
		name        string
		metric      v1alpha1.Metric
		result      *v1alpha1.MetricResult
		terminating bool
		now         time.Duration
		wantDue     bool
		wantResume  bool
		wantNext    time.Duration
		wantNoNext  bool
	}{
		{name: "first measurement at once", metric: every10s, wantDue: true, wantNext: 0},
		{name: "initial delay not over", metric: v1alpha1.Metric{Name: "m", InitialDelay: "30s"}, now: 10 * time.Second, wantNext: 30 * time.Second},
		{name: "initial delay over", metric: v1alpha1.Metric{Name: "m", InitialDelay: "30s"}, now: 30 * time.Second, wantDue: true, wantNext: 30 * time.Second},
		{
			name: "interval not over", metric: every10s, now: 5 * time.Second,
			result:   &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Count: 1, Measurements: []v1alpha1.Measurement{done(ok, 0)}},
			wantNext: 10 * time.Second,
		},
		{
			name: "interval over", metric: every10s, now: 11 * time.Second,
			result:  &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Count: 1, Measurements: []v1alpha1.Measurement{done(ok, 0)}},
			wantDue: true, wantNext: 10 * time.Second,
		},
		{
			name: "error retried after the error retry interval", metric: v1alpha1.Metric{Name: "m", Interval: "1s"}, now: 2 * time.Second,
			result:   &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Error: 1, Measurements: []v1alpha1.Measurement{done(bad, 0)}},
			wantNext: 5 * time.Second,
		},
		{
			name: "count reached", metric: every10s, now: time.Hour,
			result:     &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Count: 3, Measurements: []v1alpha1.Measurement{done(ok, 0)}},
			wantNoNext: true,
		},
		{
			name: "completed metric", metric: every10s, now: time.Hour,
			result:     &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseFailed, Count: 1, Measurements: []v1alpha1.Measurement{done(ok, 0)}},
			wantNoNext: true,
		},
		{
			name: "terminating starts nothing", metric: every10s, now: time.Hour, terminating: true,
			result:   &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Count: 1, Measurements: []v1alpha1.Measurement{done(ok, 0)}},
			wantNext: 10 * time.Second,
		},
		{
			name: "in flight without resumeAt resumes at every reconcile", metric: every10s, now: time.Second,
			result:  &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Measurements: []v1alpha1.Measurement{{Phase: v1alpha1.AnalysisPhaseRunning, StartedAt: at(0)}}},
			wantDue: true, wantResume: true, wantNoNext: true,
		},
		{
			name: "in flight waits for resumeAt", metric: every10s, now: time.Second,
			result:   &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Measurements: []v1alpha1.Measurement{{Phase: v1alpha1.AnalysisPhaseRunning, StartedAt: at(0), ResumeAt: at(4 * time.Second)}}},
			wantNext: 4 * time.Second,
		},
		{
			name: "in flight terminated at once", metric: every10s, now: time.Second, terminating: true,
			result:  &v1alpha1.MetricResult{Name: "m", Phase: v1alpha1.AnalysisPhaseRunning, Measurements: []v1alpha1.Measurement{{Phase: v1alpha1.AnalysisPhaseRunning, StartedAt: at(0), ResumeAt: at(4 * time.Second)}}},
			wantDue: true, wantResume: true, wantNext: 4 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &v1alpha1.AnalysisRun{Status: v1alpha1.AnalysisRunStatus{StartedAt: at(0)}}
			if tt.result != nil {
				run.Status.MetricResults = []v1alpha1.MetricResult{*tt.result}
			}
			s := schedule{run: run, metrics: []v1alpha1.Metric{tt.metric}, errorRetry: 5 * time.Second}
			tasks := s.due(tt.terminating, t0.Add(tt.now))
			if got := len(tasks) == 1; got != tt.wantDue {
				t.Fatalf("due = %v, want %v", got, tt.wantDue)
			}
			if tt.wantDue && (tasks[0].inFlight != nil) != tt.wantResume {
				t.Errorf("resume = %v, want %v", tasks[0].inFlight != nil, tt.wantResume)
			}
			next, ok := s.next()
			if ok == tt.wantNoNext {
				t.Fatalf("next found = %v, want %v", ok, !tt.wantNoNext)
			}
			if ok && !next.Equal(t0.Add(tt.wantNext)) {
				t.Errorf("next = +%v, want +%v", next.Sub(t0), tt.wantNext)
			}
		})
	}
}
