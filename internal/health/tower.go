package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// tower.ansible.com, as Argo CD assesses it (resource_customizations/tower.ansible.com).
func init() {
	register("tower.ansible.com", map[string]Check{"AnsibleJob": ansibleJobHealth})
}

// ansibleJobStatuses: status.ansibleJobResult.status to health.
var ansibleJobStatuses = map[string]v1alpha1.HealthStatusCode{
	"successful": codeHealthy,
	"failed":     codeDegraded,
	"error":      codeDegraded,
	"canceled":   codeDegraded,
	"new":        codeProgressing,
	"pending":    codeProgressing,
	"waiting":    codeProgressing,
	"running":    codeProgressing,
}

// ansibleJobHealth: the job result's status by ansibleJobStatuses, with
// "<status> job - <url>"; else Progressing. Follows
// resource_customizations/tower.ansible.com/AnsibleJob.
func ansibleJobHealth(obj *unstructured.Unstructured) (*Status, error) {
	result, _ := lookMap(obj.Object, "status", "ansibleJobResult")
	s, _ := result["status"].(string)
	if code, ok := ansibleJobStatuses[s]; ok {
		url, _ := result["url"].(string)
		return statusOf(code, s+" job - "+url), nil
	}
	return progressing("Waiting for AnsibleJob"), nil
}
