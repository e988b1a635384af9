package health

// certmanager.k8s.io, cert-manager's API group before v0.11, as Argo CD
// assesses it (resource_customizations/certmanager.k8s.io).
func init() {
	register("certmanager.k8s.io", map[string]Check{
		// Certificate: the first Ready condition, True Healthy or False
		// Degraded, with its message; follows
		// resource_customizations/certmanager.k8s.io/Certificate.
		"Certificate": readyRule{Waiting: "Waiting for certificate"}.check,
		// Issuer: likewise; follows
		// resource_customizations/certmanager.k8s.io/Issuer.
		"Issuer": readyRule{Waiting: "Initializing issuer"}.check,
	})
}
