package health

// jaegertracing.io, as Argo CD assesses it: status.phase Running is
// Healthy, Failed Degraded, anything else Progressing. Follows
// resource_customizations/jaegertracing.io/Jaeger.
func init() {
	register("jaegertracing.io", map[string]Check{
		"Jaeger": stateRule{Path: []string{"status", "phase"}, States: map[string]phaseHealth{
			"Running": {Code: codeHealthy, Message: "Jaeger is Running"},
			"Failed":  {Code: codeDegraded, Message: "Jaeger Failed For Some Reason"},
		}, Default: phaseHealth{Code: codeProgressing, Message: "Waiting for Jaeger"}}.check,
	})
}
