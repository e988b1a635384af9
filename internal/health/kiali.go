package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// kiali.io and kubernetes-client.io, as Argo CD assesses them
// (resource_customizations/kiali.io, kubernetes-client.io).
func init() {
	// Kiali: conditions in order, Successful True Healthy, Failure True
	// Degraded, Running with reason Running Progressing; follows
	// resource_customizations/kiali.io/Kiali.
	register("kiali.io", map[string]Check{
		"Kiali": condScan{Waiting: "Waiting for Kiali", Cases: []condCase{
			{Type: "Successful", Status: "True", Code: codeHealthy},
			{Type: "Failure", Status: "True", Code: codeDegraded},
			{Type: "Running", Reason: "Running", Code: codeProgressing},
		}}.check,
	})
	register("kubernetes-client.io", map[string]Check{"ExternalSecret": kubernetesClientExternalSecretHealth})
}

// kubernetesClientExternalSecretHealth: status.status SUCCESS is Healthy,
// ERROR... Degraded with the text after "ERROR, ", else Progressing.
// Follows resource_customizations/kubernetes-client.io/ExternalSecret.
func kubernetesClientExternalSecretHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return progressing("Waiting for ExternalSecret."), nil
	}
	s, ok := lookStr(obj.Object, "status", "status")
	switch {
	case !ok:
		return statusOf(codeUnknown, "status.status is missing"), nil
	case s == "SUCCESS":
		return healthy("Fetched ExternalSecret."), nil
	case strings.HasPrefix(s, "ERROR"):
		return degraded(strings.ReplaceAll(s, "ERROR, ", "")), nil
	}
	return progressing("Waiting for ExternalSecret."), nil
}
