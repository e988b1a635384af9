package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// networking.gke.io, as Argo CD assesses it (resource_customizations/networking.gke.io).
func init() {
	register("networking.gke.io", map[string]Check{"ManagedCertificate": managedCertificateHealth})
}

// managedCertificateHealth: a domain whose status is FailedNotVisible
// makes it Degraded; status.certificateStatus Active Healthy; else
// Progressing. Follows resource_customizations/networking.gke.io/ManagedCertificate.
func managedCertificateHealth(obj *unstructured.Unstructured) (*Status, error) {
	domains, _ := lookList(obj.Object, "status", "domainStatus")
	for _, d := range domains {
		if m, _ := d.(map[string]any); m["status"] == "FailedNotVisible" {
			return degraded("At least one certificate has failed to be provisioned"), nil
		}
	}
	if s, _ := lookStr(obj.Object, "status", "certificateStatus"); s == "Active" {
		return healthy("All certificates are active"), nil
	}
	return progressing("At least one certificate is still being provisioned"), nil
}
