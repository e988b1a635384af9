package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// datadoghq.com, as Argo CD assesses it (resource_customizations/datadoghq.com).
func init() {
	register("datadoghq.com", map[string]Check{"DatadogMetric": datadogMetricHealth})
}

// datadogMetricHealth: an Error condition True is Degraded ("reason:
// message"), then a Valid condition False Degraded; otherwise Healthy.
// Follows resource_customizations/datadoghq.com/DatadogMetric.
func datadogMetricHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	for _, c := range conds {
		if c.Type == "Error" && c.Status == "True" {
			msg := c.messageOr("DatadogMetric reported an error")
			if c.Reason != "" {
				msg = c.Reason + ": " + msg
			}
			return degraded(msg), nil
		}
	}
	for _, c := range conds {
		if c.Type == "Valid" && c.Status == "False" {
			return degraded(c.messageOr("DatadogMetric is not valid")), nil
		}
	}
	return healthy("DatadogMetric is healthy"), nil
}
