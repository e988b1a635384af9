package analysisrun

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// runTerminatedMessage is the run's message when spec.terminate ended it
// and no metric gives a reason, as in Argo.
const runTerminatedMessage = "Run Terminated"

// metricEvent is a metric that completed during an assessment.
type metricEvent struct {
	name  string
	phase v1alpha1.AnalysisPhase
}

// assessment is what [assess] decided.
type assessment struct {
	phase   v1alpha1.AnalysisPhase
	message string
	// completed metrics, for events.
	completed []metricEvent
}

// assess judges every metric and the run, as Argo's assessRunStatus, and
// writes the metric results' phases and messages and the run and dry-run
// summaries into the status. It returns the run's phase and message
// without writing them.
//
// Metric phases come from [analysis.MetricPhase]; a metric whose phase
// changes takes its last measurement's message. Tiphys goes beyond Argo
// for a metric stopped because another metric ended the run (not
// spec.terminate): Argo calls it Successful; here it is Inconclusive with
// the message "Metric Terminated: ...", and it does not decide the run's
// phase or message. The summaries count every metric, and the completed
// ones by phase: the limit that was exceeded, else Successful.
func assess(run *v1alpha1.AnalysisRun, metrics []v1alpha1.Metric, dryRun map[string]bool, terminating bool) assessment {
	var a assessment
	var runSummary, drySummary v1alpha1.RunSummary
	states := make([]analysis.MetricState, 0, len(metrics))
	cause := terminationCause(run, dryRun)
	for _, m := range metrics {
		summary := &runSummary
		if dryRun[m.Name] {
			summary = &drySummary
		}
		summary.Count++
		result := resultOf(run, m.Name)
		if result == nil {
			states = append(states, analysis.MetricState{Name: m.Name, Phase: v1alpha1.AnalysisPhasePending, DryRun: dryRun[m.Name]})
			continue
		}
		judged := analysis.MetricPhase(m, *result, terminating)
		if judged.Reason == "" && analysis.Completed(judged.Phase) {
			// A phase stored earlier comes back without its reason;
			// Argo finds it again from the counters.
			judged.Reason = analysis.LimitsExceeded(m, *result).Reason
		}
		state := analysis.MetricState{Name: m.Name, Phase: judged.Phase, Reason: judged.Reason, DryRun: dryRun[m.Name]}
		stopped := false
		if terminating && !run.Spec.Terminate && !analysis.Completed(result.Phase) {
			if own := analysis.MetricPhase(m, *result, false); !analysis.Completed(own.Phase) {
				stopped = true
				state.Phase = own.Phase // not completed: RunPhase leaves it out
				judged = analysis.MetricAssessment{Phase: v1alpha1.AnalysisPhaseInconclusive}
			}
		}
		if result.Phase != judged.Phase {
			if last := lastMeasurement(result); last != nil {
				result.Message = last.Message
			}
			if stopped {
				result.Message = terminatedMessage + ": " + cause
			}
			result.Phase = judged.Phase
			if analysis.Completed(judged.Phase) {
				a.completed = append(a.completed, metricEvent{name: m.Name, phase: judged.Phase})
			}
		}
		state.Message = result.Message
		if analysis.Completed(judged.Phase) {
			if dryRun[m.Name] && judged.Reason != "" {
				result.Message = fmt.Sprintf("Metric assessed %s due to %s", judged.Phase, judged.Reason)
			}
			count(summary, judged.Phase)
		}
		states = append(states, state)
	}
	run.Status.RunSummary = runSummary
	run.Status.DryRunSummary = &drySummary
	a.phase, a.message = analysis.RunPhase(states, terminating)
	if a.message == "" && run.Spec.Terminate && analysis.Completed(a.phase) {
		a.message = runTerminatedMessage
	}
	a.message = strings.TrimSpace(a.message)
	return a
}

// terminationCause names the metric that ended the run, for the message
// of the metrics it stopped.
func terminationCause(run *v1alpha1.AnalysisRun, dryRun map[string]bool) string {
	for _, r := range run.Status.MetricResults {
		switch r.Phase {
		case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError, v1alpha1.AnalysisPhaseInconclusive:
			if !dryRun[r.Name] {
				return fmt.Sprintf("run ended by metric %q (%s)", r.Name, r.Phase)
			}
		}
	}
	return "run ended"
}

// count adds a completed metric to a summary.
func count(s *v1alpha1.RunSummary, phase v1alpha1.AnalysisPhase) {
	switch phase {
	case v1alpha1.AnalysisPhaseFailed:
		s.Failed++
	case v1alpha1.AnalysisPhaseError:
		s.Error++
	case v1alpha1.AnalysisPhaseInconclusive:
		s.Inconclusive++
	default:
		s.Successful++
	}
}

// storedStates are the metric phases as stored, for [analysis.Terminating]
// at the start of a reconcile.
func storedStates(run *v1alpha1.AnalysisRun, dryRun map[string]bool) []analysis.MetricState {
	states := make([]analysis.MetricState, 0, len(run.Status.MetricResults))
	for _, r := range run.Status.MetricResults {
		states = append(states, analysis.MetricState{Name: r.Name, Phase: r.Phase, DryRun: dryRun[r.Name] || r.DryRun})
	}
	return states
}

// eventType is Warning for Failed and Error, else Normal, as Argo.
func eventType(phase v1alpha1.AnalysisPhase) string {
	if phase == v1alpha1.AnalysisPhaseFailed || phase == v1alpha1.AnalysisPhaseError {
		return corev1.EventTypeWarning
	}
	return corev1.EventTypeNormal
}
