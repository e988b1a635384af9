package analysisrun

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	ctrl "sigs.k8s.io/controller-runtime"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// DefaultMeasurementHistoryLimit is how many measurements of a metric the
// status keeps when measurementRetention sets no limit for it, as Argo's
// DefaultMeasurementHistoryLimit.
const DefaultMeasurementHistoryLimit = 10

// errRetentionMatchesNothing is a measurementRetention rule that names no
// metric of the run; Argo rejects the run for it.
var errRetentionMatchesNothing = errors.New("rule matches no metric")

// retentionLimits is the number of measurements to keep per metric, as
// Argo's GetMeasurementRetentionMetrics: each rule's metricName is a
// regular expression matched anywhere in a metric's name, a later rule
// wins, and a limit of 0 or less keeps the default. A rule that is not a
// valid expression or matches no metric is an error.
func retentionLimits(rules []v1alpha1.MeasurementRetention, metrics []v1alpha1.Metric) (map[string]int, error) {
	limits := make(map[string]int, len(metrics))
	for _, m := range metrics {
		limits[m.Name] = DefaultMeasurementHistoryLimit
	}
	for i, rule := range rules {
		re, err := regexp.Compile(rule.MetricName)
		if err != nil {
			return nil, fmt.Errorf("measurementRetention[%d] %q: %w", i, rule.MetricName, err)
		}
		matched := false
		for _, m := range metrics {
			if !re.MatchString(m.Name) {
				continue
			}
			matched = true
			if rule.Limit > 0 {
				limits[m.Name] = int(rule.Limit)
			} else {
				limits[m.Name] = DefaultMeasurementHistoryLimit
			}
		}
		if !matched {
			return nil, fmt.Errorf("measurementRetention[%d] %q: %w", i, rule.MetricName, errRetentionMatchesNothing)
		}
	}
	return limits, nil
}

// trimHistory keeps the newest limit measurements of each metric, as
// Argo's garbageCollectMeasurements; a provider that keeps objects per
// measurement (a [analysis.GarbageCollector], the job provider) first
// deletes those of older measurements. A failed collection is logged and
// retried at the next trim; the counters keep the whole history.
func (r *Reconciler) trimHistory(ctx context.Context, run *v1alpha1.AnalysisRun, metrics []v1alpha1.Metric, limits map[string]int) {
	for _, m := range metrics {
		result := resultOf(run, m.Name)
		limit := limits[m.Name]
		if result == nil || limit <= 0 || len(result.Measurements) <= limit {
			continue
		}
		if provider, _, err := r.Providers.For(m); err == nil {
			if gc, ok := provider.(analysis.GarbageCollector); ok {
				if err := gc.GarbageCollect(ctx, run, m, limit); err != nil {
					ctrl.LoggerFrom(ctx).Error(err, "garbage collect measurements", "metric", m.Name)
				}
			}
		}
		result.Measurements = trim(result.Measurements, limit)
	}
}

// trim keeps the last limit measurements.
func trim(ms []v1alpha1.Measurement, limit int) []v1alpha1.Measurement {
	if len(ms) <= limit {
		return ms
	}
	return append([]v1alpha1.Measurement(nil), ms[len(ms)-limit:]...)
}
