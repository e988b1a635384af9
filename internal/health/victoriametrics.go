package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// operator.victoriametrics.com, every kind, as Argo CD assesses it
// (resource_customizations/operator.victoriametrics.com/_).
func init() {
	registerWildcard("operator.victoriametrics.com", "*", victoriaMetricsHealth)
}

// victoriaMetricsUpdate: status.updateStatus to health, and the message
// when status.reason is empty.
var victoriaMetricsUpdate = map[string]phaseHealth{
	"expanding": {Code: codeProgressing, Message: "Reconciliation in progress"},
	"paused":    {Code: codeSuspended, Message: "Reconciliation is paused"},
	"failed":    {Code: codeDegraded, Message: "Reconciliation failed"},
}

// victoriaMetricsHealth: Progressing until the generation is observed;
// status.updateStatus operational is Healthy, expanding Progressing,
// paused Suspended, failed Degraded (status.reason as the message when
// set). Follows resource_customizations/operator.victoriametrics.com/_.
func victoriaMetricsHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Waiting for the operator to reconcile")
	if _, ok := lookMap(obj.Object, "status"); !ok || !generationObserved(obj) {
		return waiting, nil
	}
	update, _ := lookStr(obj.Object, "status", "updateStatus")
	if update == "operational" {
		return healthy("All components are operational"), nil
	}
	p, ok := victoriaMetricsUpdate[update]
	if !ok {
		return progressing("Waiting for the operator to report status"), nil
	}
	if reason, _ := lookStr(obj.Object, "status", "reason"); reason != "" {
		p.Message = reason
	}
	return statusOf(p.Code, p.Message), nil
}
