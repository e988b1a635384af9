package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// metrics.keptn.sh, as Argo CD assesses it (resource_customizations/metrics.keptn.sh).
// Argo CD's scripts read the status without checking it is there: an
// object without status is Unknown.
func init() {
	register("metrics.keptn.sh", map[string]Check{
		"Analysis":    keptnAnalysisHealth,
		"KeptnMetric": keptnMetricHealth,
	})
}

// keptnAnalysisHealth: status.pass true is Healthy, else status.warning
// true Healthy with warnings, else pass false Degraded, else Progressing.
// Follows resource_customizations/metrics.keptn.sh/Analysis.
func keptnAnalysisHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return statusOf(codeUnknown, "no status to read status.pass"), nil
	}
	pass, hasPass := lookBool(obj.Object, "status", "pass")
	warning, _ := lookBool(obj.Object, "status", "warning")
	switch {
	case hasPass && pass:
		return healthy("Analysis is healthy"), nil
	case warning:
		return healthy("Analysis is healthy with warnings"), nil
	case hasPass:
		return degraded("Analysis is degraded"), nil
	}
	return progressing("Analysis is progressing"), nil
}

// keptnMetricHealth: a status.value without status.errMsg is Healthy, an
// errMsg Degraded, else Progressing. Follows
// resource_customizations/metrics.keptn.sh/KeptnMetric.
func keptnMetricHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return statusOf(codeUnknown, "no status to read status.errMsg"), nil
	}
	errMsg, _ := lookStr(obj.Object, "status", "errMsg")
	switch {
	case errMsg == "" && lookHas(obj.Object, "status", "value"):
		return healthy("KeptnMetric is healthy"), nil
	case errMsg != "":
		return degraded("KeptnMetric is degraded"), nil
	}
	return progressing("KeptnMetric is progressing"), nil
}
