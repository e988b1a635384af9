package analysis

import (
	"errors"
	"fmt"
	"regexp"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// ErrNoMetricMatched is a dryRun rule that names no metric of the run.
var ErrNoMetricMatched = errors.New("rule matches no metric")

// phaseOrder is Argo's ranking of phases from best to worst
// (utils/analysis IsWorse): a run takes the worst phase of its metrics.
var phaseOrder = map[v1alpha1.AnalysisPhase]int{
	v1alpha1.AnalysisPhaseSuccessful:   1,
	v1alpha1.AnalysisPhaseRunning:      2,
	v1alpha1.AnalysisPhasePending:      3,
	v1alpha1.AnalysisPhaseInconclusive: 4,
	v1alpha1.AnalysisPhaseError:        5,
	v1alpha1.AnalysisPhaseFailed:       6,
}

// Worse reports whether phase b is worse than phase a in Argo's order
// Successful < Running < Pending < Inconclusive < Error < Failed. An
// unknown or empty phase ranks best, as in Argo.
func Worse(a, b v1alpha1.AnalysisPhase) bool {
	return phaseOrder[b] > phaseOrder[a]
}

// MetricState is what [RunPhase] needs of one metric.
type MetricState struct {
	// Name of the metric.
	Name string
	// Phase from [MetricPhase].
	Phase v1alpha1.AnalysisPhase
	// Reason from [MetricPhase], the limit that decided the phase.
	Reason string
	// Message of the metric's last measurement, such as a provider error.
	Message string
	// DryRun metrics are measured and reported but never decide the run.
	DryRun bool
}

// Terminating reports whether a run stops taking new measurements, as
// Argo's IsTerminating: the owner or a user set spec.terminate, or a metric
// that is not a dry run ended Failed, Error or Inconclusive.
func Terminating(terminate bool, metrics []MetricState) bool {
	if terminate {
		return true
	}
	for _, m := range metrics {
		if m.DryRun {
			continue
		}
		switch m.Phase {
		case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError, v1alpha1.AnalysisPhaseInconclusive:
			return true
		}
	}
	return false
}

// RunPhase is the phase of a run from its metrics' phases, as Argo's
// assessRunStatus:
//
//   - the worst phase among completed metrics that are not dry runs, with a
//     message naming that metric and its reason;
//   - dry-run metrics never make the run worse; when only they completed,
//     the run counts as Successful;
//   - while any metric is not completed, or nothing completed, the run is
//     Running, unless it is terminating: then it takes the worst phase so
//     far, or Successful when nothing completed.
//
// The metric phases should come from [MetricPhase] with the same
// terminating flag, so that metrics measured until termination have ended.
// Terminating is the run's state before this assessment ([Terminating] of
// the stored phases), as in Argo: a metric that fails now ends the run at
// the next assessment, after in-flight measurements were terminated.
// When spec.terminate is set and no metric gives a reason, Argo's message
// is "Run Terminated"; the caller, who knows spec.terminate, writes it.
func RunPhase(metrics []MetricState, terminating bool) (v1alpha1.AnalysisPhase, string) {
	var worst v1alpha1.AnalysisPhase
	var message string
	allCompleted := true
	for _, m := range metrics {
		if !Completed(m.Phase) {
			allCompleted = false
			continue
		}
		if m.DryRun {
			if worst == "" {
				worst = v1alpha1.AnalysisPhaseSuccessful
			}
			continue
		}
		if worst != "" && !Worse(worst, m.Phase) {
			continue
		}
		worst = m.Phase
		if m.Reason != "" {
			message = fmt.Sprintf("Metric %q assessed %s due to %s", m.Name, m.Phase, m.Reason)
			if m.Message != "" {
				message += fmt.Sprintf(": %q", m.Message)
			}
		}
	}
	if terminating {
		if worst == "" {
			return v1alpha1.AnalysisPhaseSuccessful, message
		}
		return worst, message
	}
	if !allCompleted || worst == "" {
		return v1alpha1.AnalysisPhaseRunning, ""
	}
	return worst, message
}

// DryRunMetrics names the metrics that run dry, as Argo's GetDryRunMetrics:
// each rule's metricName is a regular expression matched anywhere in a
// metric's name (".*" for all). A rule that is not a valid expression or
// matches no metric is an error.
func DryRunMetrics(rules []v1alpha1.DryRun, metrics []v1alpha1.Metric) (map[string]bool, error) {
	dry := make(map[string]bool)
	for i, rule := range rules {
		re, err := regexp.Compile(rule.MetricName)
		if err != nil {
			return nil, fmt.Errorf("dryRun[%d] %q: %w", i, rule.MetricName, err)
		}
		matched := false
		for _, m := range metrics {
			if re.MatchString(m.Name) {
				dry[m.Name] = true
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("dryRun[%d] %q: %w", i, rule.MetricName, ErrNoMetricMatched)
		}
	}
	return dry, nil
}
