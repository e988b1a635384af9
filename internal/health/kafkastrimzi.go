package health

// kafka.strimzi.io, as Argo CD assesses it (resource_customizations/kafka.strimzi.io).
func init() {
	// strimzi: a NotReady condition that is True is Degraded with its
	// message (for Kafka, unless its reason is Creating); Ready True is
	// Healthy; follows resource_customizations/kafka.strimzi.io/<Kind>.
	strimzi := func(waiting, notReason string) Check {
		return condScan{Waiting: waiting, Cases: []condCase{
			{Type: "NotReady", Status: "True", NotReason: notReason, Code: codeDegraded},
			{Type: "Ready", Status: "True", Code: codeHealthy, Msg: say("")},
		}}.check
	}
	register("kafka.strimzi.io", map[string]Check{
		"Kafka":          strimzi("Waiting for Kafka Cluster", "Creating"),
		"KafkaBridge":    strimzi("Waiting for KafkaBridge", ""),
		"KafkaConnect":   strimzi("Waiting for Kafka Connect", ""),
		"KafkaConnector": strimzi("Waiting for KafkaConnector", ""),
		"KafkaTopic":     strimzi("Waiting for Kafka Topic", ""),
		"KafkaUser":      strimzi("Waiting for Kafka User", ""),
	})
}
