package analysisrun

import (
	"time"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// DefaultErrorRetryInterval is how long after an Error measurement the
// next one is taken, whatever the metric's interval, as Argo's
// DefaultErrorRetryInterval.
const DefaultErrorRetryInterval = 10 * time.Second

// task is one measurement to take now: a new one, or the metric's
// measurement in flight to resume (or terminate).
type task struct {
	metric v1alpha1.Metric
	// inFlight is the unfinished last measurement; nil for a new one.
	inFlight *v1alpha1.Measurement
}

// schedule knows when a run's metrics are due. Metrics must be validated
// (durations parse).
type schedule struct {
	run     *v1alpha1.AnalysisRun
	metrics []v1alpha1.Metric
	// errorRetry is the wait after an Error measurement.
	errorRetry time.Duration
}

// due lists the measurements to take at now, as Argo's generateMetricTasks:
//
//   - a metric whose result is completed takes no more;
//   - a measurement in flight is resumed once its resumeAt has passed, and
//     at once when the run is terminating (to terminate it);
//   - a terminating run starts nothing new;
//   - a first measurement waits initialDelay after the run started;
//   - a metric that reached count takes no more;
//   - the next one is due interval after the last finished, or the error
//     retry interval after an Error (also for a metric without interval,
//     which is retried until it measures once).
func (s schedule) due(terminating bool, now time.Time) []task {
	var tasks []task
	for _, m := range s.metrics {
		result := resultOf(s.run, m.Name)
		if result != nil && analysis.Completed(result.Phase) {
			continue
		}
		last := lastMeasurement(result)
		if last != nil && last.FinishedAt == nil {
			if terminating || last.ResumeAt == nil || !last.ResumeAt.After(now) {
				tasks = append(tasks, task{metric: m, inFlight: last})
			}
			continue
		}
		if terminating {
			continue
		}
		if at, ok := s.nextAt(m, result, last); ok && !now.Before(at) {
			tasks = append(tasks, task{metric: m})
		}
	}
	return tasks
}

// next is the earliest time a metric of the run is due again, as Argo's
// calculateNextReconcileTime; false when no metric waits on time (all
// completed, or only measurements in flight without resumeAt, which a
// watch event resumes).
func (s schedule) next() (time.Time, bool) {
	var earliest time.Time
	found := false
	for _, m := range s.metrics {
		result := resultOf(s.run, m.Name)
		if result != nil && analysis.Completed(result.Phase) {
			continue
		}
		last := lastMeasurement(result)
		var at time.Time
		ok := false
		if last != nil && last.FinishedAt == nil {
			if last.ResumeAt != nil {
				at, ok = last.ResumeAt.Time, true
			}
		} else {
			at, ok = s.nextAt(m, result, last)
		}
		if ok && (!found || at.Before(earliest)) {
			earliest, found = at, true
		}
	}
	return earliest, found
}

// nextAt is when a metric's next new measurement is due, given its result
// and finished last measurement; false when it takes no more.
func (s schedule) nextAt(m v1alpha1.Metric, result *v1alpha1.MetricResult, last *v1alpha1.Measurement) (time.Time, bool) {
	if last == nil {
		delay, _ := duration(m.InitialDelay)
		started := time.Time{}
		if s.run.Status.StartedAt != nil {
			started = s.run.Status.StartedAt.Time
		}
		return started.Add(delay), true
	}
	if count := analysis.EffectiveCount(m); count != nil && int(result.Count) >= *count {
		return time.Time{}, false
	}
	finished := last.StartedAt
	if last.FinishedAt != nil {
		finished = last.FinishedAt
	}
	if finished == nil {
		return time.Time{}, true
	}
	if last.Phase == v1alpha1.AnalysisPhaseError {
		return finished.Add(s.errorRetry), true
	}
	if interval, _ := duration(m.Interval); interval > 0 {
		return finished.Add(interval), true
	}
	// No interval and no error: the single measurement was taken, and
	// count (1) is reached; a count above 1 needs an interval.
	return finished.Add(s.errorRetry), true
}

// resultOf is a metric's result in the run's status, nil before its first
// measurement.
func resultOf(run *v1alpha1.AnalysisRun, name string) *v1alpha1.MetricResult {
	for i := range run.Status.MetricResults {
		if run.Status.MetricResults[i].Name == name {
			return &run.Status.MetricResults[i]
		}
	}
	return nil
}

// lastMeasurement is a result's newest measurement, nil if none.
func lastMeasurement(result *v1alpha1.MetricResult) *v1alpha1.Measurement {
	if result == nil || len(result.Measurements) == 0 {
		return nil
	}
	return &result.Measurements[len(result.Measurements)-1]
}
