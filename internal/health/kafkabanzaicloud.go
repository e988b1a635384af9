package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// kafka.banzaicloud.io, as Argo CD assesses it (resource_customizations/kafka.banzaicloud.io).
func init() {
	register("kafka.banzaicloud.io", map[string]Check{"KafkaCluster": kafkaClusterHealth})
}

// kafkaClusterHealth: a rolling upgrade is Progressing; a broker whose
// configuration is out of sync or whose graceful scaling has not
// succeeded makes the cluster Degraded; all brokers fine with the cruise
// control topic ready and the cluster running is Healthy. Follows
// resource_customizations/kafka.banzaicloud.io/KafkaCluster.
func kafkaClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Waiting for KafkaCluster")
	status, ok := lookMap(obj.Object, "status")
	if !ok {
		return waiting, nil
	}
	state, _ := status["state"].(string)
	if state == "ClusterRollingUpgrading" {
		return progressing("Kafka Cluster is Rolling Upgrading."), nil
	}
	brokers, ok := status["brokersState"].(map[string]any)
	if !ok {
		return waiting, nil
	}
	for _, b := range brokers {
		broker, _ := b.(map[string]any)
		cc, _ := lookStr(broker, "gracefulActionState", "cruiseControlState")
		if broker["configurationState"] != "ConfigInSync" || (cc != "GracefulUpscaleSucceeded" && cc != "GracefulDownscaleSucceeded") {
			return degraded("Broker Config is out of Sync or CruiseControlState is not Ready"), nil
		}
	}
	topic, hasTopic := status["cruiseControlTopicStatus"].(string)
	switch {
	case topic == "CruiseControlTopicReady" && state == "ClusterRunning":
		return healthy("Kafka Brokers, CruiseControl and cluster are in Healthy State."), nil
	case (!hasTopic || topic == "CruiseControlTopicNotReady") && state == "ClusterReconciling":
		return progressing("Kafka Cluster is Reconciling."), nil
	}
	return waiting, nil
}
