package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// argoproj.io kinds other than Application (health.go), as Argo CD
// assesses them: resource_customizations/argoproj.io, and Workflow in
// gitops-engine. Rollout is in rollout.go.
func init() {
	const (
		ok      = v1alpha1.HealthStatusHealthy
		working = v1alpha1.HealthStatusProgressing
		bad     = v1alpha1.HealthStatusDegraded
		unknown = v1alpha1.HealthStatusUnknown
		running = "Analysis run is running"
	)
	register("argoproj.io", map[string]Check{
		"AnalysisRun": phaseRule{Waiting: "Waiting for analysis run to finish: status has not been reconciled.", Phases: map[string]phaseHealth{
			"Pending":      {Code: working, Message: running},
			"Running":      {Code: working, Message: running},
			"Successful":   {Code: ok, Message: "Analysis run completed successfully", FromStatus: true},
			"Failed":       {Code: bad, Message: "Analysis run failed", FromStatus: true},
			"Error":        {Code: bad, Message: "Analysis run had an error", FromStatus: true},
			"Inconclusive": {Code: unknown, Message: "Analysis run was inconclusive", FromStatus: true},
		}}.check,
		"Experiment": phaseRule{Waiting: "Waiting for experiment to finish: status has not been reconciled.", Phases: map[string]phaseHealth{
			"Pending":    {Code: working, Message: "Experiment is pending"},
			"Running":    {Code: working, Message: "Experiment is running"},
			"Successful": {Code: ok, Message: "Experiment is successful"},
			"Failed":     {Code: bad, Message: "Experiment has failed"},
			"Error":      {Code: bad, Message: "Experiment had an error"},
		}}.check,
		"ApplicationSet": applicationSetHealth,
		"CronWorkflow":   cronWorkflowHealth,
		"EventBus":       eventBusHealth,
		"Workflow":       workflowHealth,
		"Rollout":        rolloutHealth,
	})
}

// applicationSetHealth: ErrorOccurred True, then ResourcesUpToDate False
// is Degraded; RolloutProgressing True Progressing; ResourcesUpToDate
// True Healthy; each with the condition's message.
func applicationSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	for _, r := range []struct {
		t, status string
		to        func(string) *Status
	}{
		{"ErrorOccurred", "True", degraded},
		{"ResourcesUpToDate", "False", degraded},
		{"RolloutProgressing", "True", progressing},
		{"ResourcesUpToDate", "True", healthy},
	} {
		for _, c := range conds {
			if c.Type == r.t && c.Status == r.status {
				return r.to(c.Message), nil
			}
		}
	}
	return progressing("Waiting for the status to be reported"), nil
}

// cronWorkflowHealth: the first condition that is SpecError or
// SubmissionError True (Degraded) or Completed True (Healthy) decides;
// otherwise Healthy.
func cronWorkflowHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "SpecError", "SubmissionError":
			return degraded(c.Message), nil
		case "Completed":
			return healthy(c.Message), nil
		}
	}
	return healthy("CronWorkflow is healthy."), nil
}

// eventBusHealth: the first Deployed condition that is True (Healthy) or
// False (Degraded), with its message or reason.
func eventBusHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Type != "Deployed" {
			continue
		}
		switch c.Status {
		case "True":
			return healthy(c.messageOr(c.Reason)), nil
		case "False":
			return degraded(c.messageOr(c.Reason)), nil
		}
	}
	return progressing("Waiting for initialization"), nil
}

// workflowHealth: status.phase, with status.message: none, Pending or
// Running Progressing; Succeeded Healthy; Failed or Error Degraded; any
// other Unknown.
func workflowHealth(obj *unstructured.Unstructured) (*Status, error) {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	msg, _, _ := unstructured.NestedString(obj.Object, "status", "message")
	switch phase {
	case "", "Pending", "Running":
		return progressing(msg), nil
	case "Succeeded":
		return healthy(msg), nil
	case "Failed", "Error":
		return degraded(msg), nil
	}
	return &Status{Code: v1alpha1.HealthStatusUnknown, Message: msg}, nil
}
