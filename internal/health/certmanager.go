package health

// cert-manager.io, as Argo CD assesses it (resource_customizations/cert-manager.io):
// a Certificate being issued is Progressing whatever its Ready condition.
func init() {
	register("cert-manager.io", map[string]Check{
		"Certificate":   readyRule{ProgressingWhen: []string{"Issuing"}, Waiting: "Waiting for certificate"}.check,
		"Issuer":        readyRule{Waiting: "Initializing issuer"}.check,
		"ClusterIssuer": readyRule{Waiting: "Initializing ClusterIssuer"}.check,
	})
}
