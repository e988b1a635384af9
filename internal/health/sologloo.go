package health

// gloo.solo.io, as Argo CD assesses it (resource_customizations/gloo.solo.io).
func init() {
	// Every kind of the group is assessed by its Solo validation state
	// (soloHealth in sologateway.go); follows the Proxy, Settings,
	// Upstream and UpstreamGroup kinds of resource_customizations/gloo.solo.io.
	register("gloo.solo.io", map[string]Check{
		"Proxy":         soloHealth,
		"Settings":      soloHealth,
		"Upstream":      soloHealth,
		"UpstreamGroup": soloHealth,
	})
}
