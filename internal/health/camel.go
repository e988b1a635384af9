package health

// camel.apache.org, as Argo CD assesses it (resource_customizations/camel.apache.org).
func init() {
	register("camel.apache.org", map[string]Check{
		// Integration: the first Ready condition, True Healthy or False
		// Degraded, with its message; follows
		// resource_customizations/camel.apache.org/Integration.
		"Integration": readyRule{Waiting: "Waiting for Integration"}.check,
	})
}
