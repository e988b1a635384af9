package analysis

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// DefaultConsecutiveErrorLimit is how many measurement errors in a row a
// metric tolerates when it sets no consecutiveErrorLimit, as in Argo.
const DefaultConsecutiveErrorLimit = 4

// Tally adds a finished measurement to a metric's counters as Argo's
// analysis controller does: Successful, Failed and Inconclusive count
// toward count and reset the error streak; Error does not count toward
// count; only Successful extends the success streak. A measurement still
// running changes nothing. The counters, not the retained measurements,
// are what [MetricPhase] judges, because old measurements are dropped
// (measurementRetention) while the counters keep the whole history.
func Tally(result *v1alpha1.MetricResult, phase v1alpha1.AnalysisPhase) {
	switch phase {
	case v1alpha1.AnalysisPhaseSuccessful:
		result.Successful++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess++
	case v1alpha1.AnalysisPhaseFailed:
		result.Failed++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess = 0
	case v1alpha1.AnalysisPhaseInconclusive:
		result.Inconclusive++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess = 0
	case v1alpha1.AnalysisPhaseError:
		result.Error++
		result.ConsecutiveError++
		result.ConsecutiveSuccess = 0
	}
}

// MetricAssessment is a metric's phase and, when a limit decided it, the
// reason ("failed (3) > failureLimit (2)").
type MetricAssessment struct {
	// Phase of the metric.
	Phase v1alpha1.AnalysisPhase
	// Reason names the limit that was exceeded; empty otherwise.
	Reason string
}

// MetricPhase judges a metric from its result (counters and measurements),
// following Argo's assessMetricStatus:
//
//  1. a result already completed keeps its phase;
//  2. no measurement yet: Pending, or Successful when the run is terminating;
//  3. the last measurement still running: Running;
//  4. a limit exceeded (see [LimitsExceeded]): Failed, Inconclusive or Error;
//  5. consecutiveSuccessLimit reached: Successful;
//  6. count reached: Successful; but when consecutiveSuccessLimit is set and
//     not reached, Inconclusive if failureLimit also applies (not -1), else Failed;
//  7. otherwise Running, or Successful when the run is terminating.
//
// Limits are read with intstr's IntValue, as Argo does: arguments must have
// been substituted first (see [ResolveMetric]).
func MetricPhase(metric v1alpha1.Metric, result v1alpha1.MetricResult, terminating bool) MetricAssessment {
	if Completed(result.Phase) {
		return MetricAssessment{Phase: result.Phase}
	}
	if len(result.Measurements) == 0 {
		if terminating {
			return MetricAssessment{Phase: v1alpha1.AnalysisPhaseSuccessful}
		}
		return MetricAssessment{Phase: v1alpha1.AnalysisPhasePending}
	}
	if !Completed(result.Measurements[len(result.Measurements)-1].Phase) {
		return MetricAssessment{Phase: v1alpha1.AnalysisPhaseRunning}
	}
	if exceeded := LimitsExceeded(metric, result); exceeded.Phase != "" {
		return exceeded
	}
	successLimit := intValue(metric.ConsecutiveSuccessLimit, 0)
	if successLimit > 0 && int(result.ConsecutiveSuccess) >= successLimit {
		return MetricAssessment{Phase: v1alpha1.AnalysisPhaseSuccessful}
	}
	if count := EffectiveCount(metric); count != nil && int(result.Count) >= *count {
		if successLimit > 0 {
			reason := fmt.Sprintf("consecutiveSuccessLimit (%d) not reached", successLimit)
			if intValue(metric.FailureLimit, 0) >= 0 {
				return MetricAssessment{Phase: v1alpha1.AnalysisPhaseInconclusive, Reason: reason}
			}
			return MetricAssessment{Phase: v1alpha1.AnalysisPhaseFailed, Reason: reason}
		}
		return MetricAssessment{Phase: v1alpha1.AnalysisPhaseSuccessful}
	}
	if terminating {
		return MetricAssessment{Phase: v1alpha1.AnalysisPhaseSuccessful}
	}
	return MetricAssessment{Phase: v1alpha1.AnalysisPhaseRunning}
}

// LimitsExceeded checks a metric's counters against its limits, as Argo's
// assessMetricFailureInconclusiveOrError: Failed when failed > failureLimit
// (default 0; -1 turns the check off), Inconclusive when inconclusive >
// inconclusiveLimit (default 0), Error when consecutiveError >
// consecutiveErrorLimit (default 4). When several are exceeded the later
// one wins: Error over Inconclusive over Failed. The zero value means
// none is exceeded.
func LimitsExceeded(metric v1alpha1.Metric, result v1alpha1.MetricResult) MetricAssessment {
	var a MetricAssessment
	if limit := intValue(metric.FailureLimit, 0); limit >= 0 && int(result.Failed) > limit {
		a = MetricAssessment{
			Phase:  v1alpha1.AnalysisPhaseFailed,
			Reason: fmt.Sprintf("failed (%d) > failureLimit (%d)", result.Failed, limit),
		}
	}
	if limit := intValue(metric.InconclusiveLimit, 0); int(result.Inconclusive) > limit {
		a = MetricAssessment{
			Phase:  v1alpha1.AnalysisPhaseInconclusive,
			Reason: fmt.Sprintf("inconclusive (%d) > inconclusiveLimit (%d)", result.Inconclusive, limit),
		}
	}
	if limit := intValue(metric.ConsecutiveErrorLimit, DefaultConsecutiveErrorLimit); int(result.ConsecutiveError) > limit {
		a = MetricAssessment{
			Phase:  v1alpha1.AnalysisPhaseError,
			Reason: fmt.Sprintf("consecutiveErrors (%d) > consecutiveErrorLimit (%d)", result.ConsecutiveError, limit),
		}
	}
	return a
}

// EffectiveCount is how many measurements a metric takes, as Argo's
// Metric.EffectiveCount: count when it is set and not 0; otherwise 1
// without an interval, and nil (until the run is terminated) with one.
func EffectiveCount(metric v1alpha1.Metric) *int {
	if n := intValue(metric.Count, 0); n != 0 {
		return &n
	}
	if metric.Interval == "" {
		one := 1
		return &one
	}
	return nil
}

// Completed reports whether a phase is final: Successful, Failed, Error or
// Inconclusive, as Argo's AnalysisPhase.Completed.
func Completed(phase v1alpha1.AnalysisPhase) bool {
	switch phase {
	case v1alpha1.AnalysisPhaseSuccessful, v1alpha1.AnalysisPhaseFailed,
		v1alpha1.AnalysisPhaseError, v1alpha1.AnalysisPhaseInconclusive:
		return true
	}
	return false
}

// intValue reads an optional limit; a string that is not a number reads
// as 0, as intstr.IntOrString.IntValue does in Argo.
func intValue(v *intstr.IntOrString, fallback int) int {
	if v == nil {
		return fallback
	}
	return v.IntValue()
}
