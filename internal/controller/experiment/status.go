package experiment

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// Condition reasons and messages of an Experiment, Argo's words.
const (
	reasonInvalidSpec       = "InvalidSpec"
	reasonReplicaSetUpdated = "ReplicaSetUpdated"
	reasonNewRSAvailable    = "NewReplicaSetAvailable"
	reasonCompleted         = "ExperimentCompleted"
	// requiredCompletedMessage is the message of an experiment its
	// required analyses ended.
	requiredCompletedMessage = "Required AnalysisRuns completed"
)

// calculateStatus decides the phase and message from the template and
// analysis statuses of the pass, marks availableAt, and sets the
// conditions (Argo's calculateStatus). A new Experiment is Pending for
// one pass; a finished one never changes phase again.
func (c *exContext) calculateStatus() {
	s := c.status
	switch s.Phase {
	case "":
		s.Phase = v1alpha1.AnalysisPhasePending
	case v1alpha1.AnalysisPhasePending, v1alpha1.AnalysisPhaseRunning:
		tPhase, tMsg := assessTemplates(c.ex.Spec, *s)
		aPhase, aMsg := assessAnalyses(c.ex.Spec, *s)
		if tPhase == v1alpha1.AnalysisPhaseRunning && s.AvailableAt == nil {
			now := metav1.NewTime(c.now)
			s.AvailableAt = &now
		}
		s.Phase, s.Message = decidePhase(c.ex.Spec, *s, tPhase, tMsg, aPhase, aMsg)
	}
	c.conditions()
}

// decidePhase is the experiment's phase from its templates' and analyses'
// phases: the templates' while they run, unless an analysis ended badly or
// the required analyses all succeeded; once the templates are done, the
// analyses' when they are done too (or some are required), else the
// templates'.
func decidePhase(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus, tPhase v1alpha1.AnalysisPhase, tMsg string,
	aPhase v1alpha1.AnalysisPhase, aMsg string) (v1alpha1.AnalysisPhase, string) {
	if analysis.Completed(tPhase) {
		if tPhase == v1alpha1.AnalysisPhaseSuccessful && (analysis.Completed(aPhase) || hasRequired(spec)) {
			return aPhase, aMsg
		}
		return tPhase, tMsg
	}
	if analysis.Completed(aPhase) && aPhase != v1alpha1.AnalysisPhaseSuccessful {
		return aPhase, aMsg
	}
	if requiredSucceeded(spec, s) {
		return aPhase, aMsg
	}
	return tPhase, tMsg
}

// templateOrder ranks template statuses from best to worst (Argo's
// templateStatusOrder).
var templateOrder = map[v1alpha1.TemplateStatusCode]int{
	v1alpha1.TemplateStatusSuccessful:  0,
	v1alpha1.TemplateStatusRunning:     1,
	v1alpha1.TemplateStatusProgressing: 2,
	v1alpha1.TemplateStatusError:       3,
	v1alpha1.TemplateStatusFailed:      4,
}

// assessTemplates is the worst template status as an experiment phase,
// with its message (Argo's assessTemplates): Progressing is Pending.
func assessTemplates(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus) (v1alpha1.AnalysisPhase, string) {
	worst, msg := v1alpha1.TemplateStatusSuccessful, ""
	for _, t := range spec.Templates {
		ts := templateStatus(s, t.Name)
		code := v1alpha1.TemplateStatusProgressing
		if ts != nil {
			code = ts.Status
		}
		if templateOrder[code] > templateOrder[worst] {
			worst = code
			if ts != nil {
				msg = ts.Message
			}
		}
	}
	switch worst {
	case v1alpha1.TemplateStatusProgressing:
		return v1alpha1.AnalysisPhasePending, msg
	case v1alpha1.TemplateStatusFailed:
		return v1alpha1.AnalysisPhaseFailed, msg
	case v1alpha1.TemplateStatusError:
		return v1alpha1.AnalysisPhaseError, msg
	case v1alpha1.TemplateStatusSuccessful:
		return v1alpha1.AnalysisPhaseSuccessful, msg
	}
	return v1alpha1.AnalysisPhaseRunning, msg
}

// phaseOrder ranks analysis phases from best to worst (Argo's IsWorse).
var phaseOrder = map[v1alpha1.AnalysisPhase]int{
	v1alpha1.AnalysisPhaseSuccessful:   0,
	v1alpha1.AnalysisPhaseRunning:      1,
	v1alpha1.AnalysisPhasePending:      2,
	v1alpha1.AnalysisPhaseInconclusive: 3,
	v1alpha1.AnalysisPhaseError:        4,
	v1alpha1.AnalysisPhaseFailed:       5,
}

// assessAnalyses is the worst analysis phase, with its message (Argo's
// assessAnalysisRuns): Successful with no analyses or once every required
// analysis succeeded and none is worse than Running; Pending reads as
// Running.
func assessAnalyses(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus) (v1alpha1.AnalysisPhase, string) {
	worst, msg := v1alpha1.AnalysisPhaseSuccessful, ""
	for _, a := range spec.Analyses {
		var phase v1alpha1.AnalysisPhase
		var m string
		if rs := runStatus(s, a.Name); rs != nil {
			phase, m = rs.Phase, rs.Message
		}
		if phaseOrder[phase] > phaseOrder[worst] {
			worst, msg = phase, m
		}
	}
	if requiredSucceeded(spec, s) && phaseOrder[worst] <= phaseOrder[v1alpha1.AnalysisPhaseRunning] {
		return v1alpha1.AnalysisPhaseSuccessful, requiredCompletedMessage
	}
	if worst == v1alpha1.AnalysisPhasePending {
		worst = v1alpha1.AnalysisPhaseRunning
	}
	return worst, msg
}

// conditions sets the Progressing condition as Argo's
// calculateExperimentConditions: False/ExperimentCompleted once
// Successful, True/ReplicaSetUpdated when a template's counts moved,
// True/NewReplicaSetAvailable while running for the duration.
func (c *exContext) conditions() {
	s := c.status
	switch {
	case s.Phase == v1alpha1.AnalysisPhaseSuccessful:
		setCondition(s, v1alpha1.ExperimentConditionProgressing, corev1.ConditionFalse, reasonCompleted,
			fmt.Sprintf("Experiment %q has successfully ran and completed.", c.ex.Name), c.now)
	case countsMoved(c.ex.Status, *s):
		cur := condition(*s, v1alpha1.ExperimentConditionProgressing)
		next := v1alpha1.ExperimentCondition{Type: v1alpha1.ExperimentConditionProgressing, Status: corev1.ConditionTrue,
			Reason: reasonReplicaSetUpdated, Message: fmt.Sprintf("Experiment %q is progressing.", c.ex.Name),
			LastUpdateTime: metav1.NewTime(c.now), LastTransitionTime: metav1.NewTime(c.now)}
		if cur != nil && cur.Status == corev1.ConditionTrue {
			next.LastTransitionTime = cur.LastTransitionTime
		}
		removeCondition(s, v1alpha1.ExperimentConditionProgressing)
		s.Conditions = append(s.Conditions, next)
	case c.ex.Status.AvailableAt != nil && !c.passedDuration():
		setCondition(s, v1alpha1.ExperimentConditionProgressing, corev1.ConditionTrue, reasonNewRSAvailable,
			fmt.Sprintf("Experiment %q is running.", c.ex.Name), c.now)
	}
}

// countsMoved reports a template whose pod counts changed, or a new
// template status (Argo's ExperimentProgressing).
func countsMoved(prev, next v1alpha1.ExperimentStatus) bool {
	if len(prev.TemplateStatuses) < len(next.TemplateStatuses) {
		return true
	}
	for _, o := range prev.TemplateStatuses {
		n := templateStatus(next, o.Name)
		if n != nil && (o.Replicas != n.Replicas || o.UpdatedReplicas != n.UpdatedReplicas ||
			o.ReadyReplicas != n.ReadyReplicas || o.AvailableReplicas != n.AvailableReplicas) {
			return true
		}
	}
	return false
}

// scheduleNext asks for a pass at the end of the duration and at the
// progress deadline of a template short of its pods (Argo's
// calculateEnqueueDuration); a terminating experiment waits only for its
// scale-down delays, which templates.go asks for.
func (c *exContext) scheduleNext() {
	if terminating(c.ex.Spec, *c.status) {
		return
	}
	if end, ok := c.endsAt(*c.status); ok && c.now.Before(end) {
		c.waitUntil(end)
	}
	deadline := time.Duration(progressDeadline(c.ex.Spec)) * time.Second
	for _, t := range c.ex.Spec.Templates {
		ts := templateStatus(*c.status, t.Name)
		if ts == nil || (ts.Status != v1alpha1.TemplateStatusProgressing && ts.Status != v1alpha1.TemplateStatusRunning) {
			continue
		}
		if ts.AvailableReplicas != desiredReplicas(c.ex.Spec, *c.status, t) && ts.LastTransitionTime != nil {
			c.waitUntil(ts.LastTransitionTime.Add(deadline))
		}
	}
}

// endsAt is availableAt plus the duration, false without either.
func (c *exContext) endsAt(s v1alpha1.ExperimentStatus) (time.Time, bool) {
	d, err := durationOf(c.ex.Spec.Duration)
	if err != nil || d == 0 || s.AvailableAt == nil {
		return time.Time{}, false
	}
	return s.AvailableAt.Add(d), true
}

// passedDuration reports the duration over, counted from the availableAt
// the pass started with (Argo's PassedDurations).
func (c *exContext) passedDuration() bool {
	end, ok := c.endsAt(c.ex.Status)
	return ok && c.now.After(end)
}

// durationOf reads a duration ("30s", "1h"); empty is 0.
func durationOf(d v1alpha1.DurationString) (time.Duration, error) {
	if d == "" {
		return 0, nil
	}
	return time.ParseDuration(string(d))
}

// terminating reports an Experiment that must wind down (Argo's
// IsTerminating): terminate asked for, finished, a template Failed or in
// Error, an analysis Failed, in Error or Inconclusive, or every required
// analysis Successful.
func terminating(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus) bool {
	if spec.Terminate || analysis.Completed(s.Phase) {
		return true
	}
	for _, ts := range s.TemplateStatuses {
		if ts.Status == v1alpha1.TemplateStatusFailed || ts.Status == v1alpha1.TemplateStatusError {
			return true
		}
	}
	for _, rs := range s.AnalysisRuns {
		if bad(rs.Phase) {
			return true
		}
	}
	return requiredSucceeded(spec, s)
}

// bad reports a phase that ends an experiment unsuccessfully.
func bad(p v1alpha1.AnalysisPhase) bool {
	return p == v1alpha1.AnalysisPhaseFailed || p == v1alpha1.AnalysisPhaseError || p == v1alpha1.AnalysisPhaseInconclusive
}

// hasRequired reports an analysis with requiredForCompletion.
func hasRequired(spec v1alpha1.ExperimentSpec) bool {
	for _, a := range spec.Analyses {
		if a.RequiredForCompletion {
			return true
		}
	}
	return false
}

// requiredSucceeded reports that there are required analyses and all of
// them are Successful (Argo's RequiredAnalysisRunsSuccessful).
func requiredSucceeded(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus) bool {
	if !hasRequired(spec) {
		return false
	}
	for _, a := range spec.Analyses {
		if rs := runStatus(s, a.Name); a.RequiredForCompletion && (rs == nil || rs.Phase != v1alpha1.AnalysisPhaseSuccessful) {
			return false
		}
	}
	return true
}

// desiredReplicas is how many pods a template runs now (Argo's
// CalculateTemplateReplicasCount): none once the experiment or the
// template is done, else replicas (default 1).
func desiredReplicas(spec v1alpha1.ExperimentSpec, s v1alpha1.ExperimentStatus, t v1alpha1.TemplateSpec) int32 {
	if terminating(spec, s) {
		return 0
	}
	if ts := templateStatus(s, t.Name); ts != nil && templateDone(ts.Status) {
		return 0
	}
	if t.Replicas == nil {
		return 1
	}
	return *t.Replicas
}

// templateDone reports a final template status: Successful, Failed, Error.
func templateDone(code v1alpha1.TemplateStatusCode) bool {
	return code == v1alpha1.TemplateStatusSuccessful || code == v1alpha1.TemplateStatusFailed || code == v1alpha1.TemplateStatusError
}

// templateStatus is the status of template name, nil if none.
func templateStatus(s v1alpha1.ExperimentStatus, name string) *v1alpha1.TemplateStatus {
	for i := range s.TemplateStatuses {
		if s.TemplateStatuses[i].Name == name {
			return &s.TemplateStatuses[i]
		}
	}
	return nil
}

// setTemplateStatus replaces or appends the status of ts.Name.
func setTemplateStatus(s *v1alpha1.ExperimentStatus, ts v1alpha1.TemplateStatus) {
	if cur := templateStatus(*s, ts.Name); cur != nil {
		*cur = ts
		return
	}
	s.TemplateStatuses = append(s.TemplateStatuses, ts)
}

// runStatus is the status of analysis name, nil if none.
func runStatus(s v1alpha1.ExperimentStatus, name string) *v1alpha1.ExperimentAnalysisRunStatus {
	for i := range s.AnalysisRuns {
		if s.AnalysisRuns[i].Name == name {
			return &s.AnalysisRuns[i]
		}
	}
	return nil
}

// setRunStatus replaces or appends the status of rs.Name.
func setRunStatus(s *v1alpha1.ExperimentStatus, rs v1alpha1.ExperimentAnalysisRunStatus) {
	if cur := runStatus(*s, rs.Name); cur != nil {
		*cur = rs
		return
	}
	s.AnalysisRuns = append(s.AnalysisRuns, rs)
}

// condition is the condition of type t, nil if none.
func condition(s v1alpha1.ExperimentStatus, t v1alpha1.ExperimentConditionType) *v1alpha1.ExperimentCondition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}

// setCondition sets a condition as Argo's SetExperimentCondition: nothing
// changes when status and reason are the same; the transition time is
// kept when only the reason changed.
func setCondition(s *v1alpha1.ExperimentStatus, t v1alpha1.ExperimentConditionType, status corev1.ConditionStatus, reason, message string, now time.Time) {
	cur := condition(*s, t)
	if cur != nil && cur.Status == status && cur.Reason == reason && (t != v1alpha1.ExperimentConditionInvalidSpec || cur.Message == message) {
		return
	}
	next := v1alpha1.ExperimentCondition{Type: t, Status: status, Reason: reason, Message: message,
		LastUpdateTime: metav1.NewTime(now), LastTransitionTime: metav1.NewTime(now)}
	if cur != nil && cur.Status == status {
		next.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(s, t)
	s.Conditions = append(s.Conditions, next)
}

// removeCondition drops the condition of type t.
func removeCondition(s *v1alpha1.ExperimentStatus, t v1alpha1.ExperimentConditionType) {
	var out []v1alpha1.ExperimentCondition
	for _, c := range s.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	s.Conditions = out
}
