package health

// kiali.io, as Argo CD assesses it (resource_customizations/kiali.io).
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
}
