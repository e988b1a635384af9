package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// minio.min.io, as Argo CD assesses it (resource_customizations/minio.min.io).
func init() {
	register("minio.min.io", map[string]Check{"Tenant": minioTenantHealth})
}

// minioFailures are the Tenant states Argo CD takes for Degraded.
var minioFailures = map[string]bool{
	"Statefulset not controlled by operator":               true,
	"Another MinIO Tenant already exists in the namespace": true,
	"Tenant credentials are not set properly":              true,
	"Different versions across MinIO Pools":                true,
	"Pool Decommissioning Not Allowed":                     true,
}

// minioTenantHealth: status.currentState is the message; Initialized is
// Healthy, a failure state Degraded, any other Progressing. Follows
// resource_customizations/minio.min.io/Tenant.
func minioTenantHealth(obj *unstructured.Unstructured) (*Status, error) {
	state, ok := lookStr(obj.Object, "status", "currentState")
	switch {
	case !ok:
		return progressing("No status info available"), nil
	case state == "Initialized":
		return healthy(state), nil
	case strings.HasPrefix(state, "Provisioning"), strings.HasPrefix(state, "Waiting"), strings.HasPrefix(state, "Updating"):
		return progressing(state), nil
	case minioFailures[state]:
		return degraded(state), nil
	}
	return progressing(state), nil
}
