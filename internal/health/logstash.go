package health

// logstash.k8s.elastic.co, as Argo CD assesses it: status.health green is
// Healthy, yellow Progressing, red Degraded. Follows
// resource_customizations/logstash.k8s.elastic.co/Logstash.
func init() {
	register("logstash.k8s.elastic.co", map[string]Check{
		"Logstash": stateRule{Path: []string{"status", "health"}, States: map[string]phaseHealth{
			"green":  {Code: codeHealthy, Message: "Logstash status is Green"},
			"yellow": {Code: codeProgressing, Message: "Logstash status is Yellow"},
			"red":    {Code: codeDegraded, Message: "Logstash status is Red"},
		}, Default: phaseHealth{Code: codeProgressing, Message: "Waiting for Logstash"}}.check,
	})
}
