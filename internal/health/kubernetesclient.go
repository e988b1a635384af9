package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// kubernetes-client.io, as Argo CD assesses it (resource_customizations/kubernetes-client.io).
func init() {
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
