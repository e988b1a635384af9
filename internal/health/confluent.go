package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// platform.confluent.io, as Argo CD assesses it (resource_customizations/platform.confluent.io).
func init() {
	// confluentPhase: status.phase RUNNING is Healthy, PROVISIONING or
	// anything else Progressing; follows
	// resource_customizations/platform.confluent.io/<Kind>.
	confluentPhase := func(kind string) Check {
		return stateRule{Path: []string{"status", "phase"}, States: map[string]phaseHealth{
			"RUNNING":      {Code: codeHealthy, Message: kind + " running"},
			"PROVISIONING": {Code: codeProgressing, Message: kind + " provisioning"},
		}, Default: phaseHealth{Code: codeProgressing, Message: "Waiting for " + kind}}.check
	}
	kinds := map[string]Check{"Connector": confluentConnectorHealth}
	for _, k := range []string{"Connect", "ControlCenter", "Kafka", "KsqlDB", "SchemaRegistry", "Zookeeper"} {
		kinds[k] = confluentPhase(k)
	}
	register("platform.confluent.io", kinds)
}

// confluentConnectorHealth: state CREATED with the connector RUNNING and
// no failed task count is Healthy; state ERROR Degraded with the first
// condition's message; failed tasks Degraded; else Progressing. Follows
// resource_customizations/platform.confluent.io/Connector.
func confluentConnectorHealth(obj *unstructured.Unstructured) (*Status, error) {
	state, ok := lookStr(obj.Object, "status", "state")
	if ok {
		connector, _ := lookStr(obj.Object, "status", "connectorState")
		failed, hasFailed := lookNum(obj.Object, "status", "failedTasksCount")
		hasFailed = hasFailed || lookHas(obj.Object, "status", "failedTasksCount")
		switch {
		case state == "CREATED" && connector == "RUNNING" && !hasFailed:
			return healthy("Connector running"), nil
		case state == "ERROR":
			if conds := conditions(obj); len(conds) > 0 {
				return degraded(conds[0].Message), nil
			}
			return degraded("No conditions available"), nil
		case failed > 0:
			return degraded("Connector has failed tasks"), nil
		}
	}
	return progressing("Waiting for Kafka Connector"), nil
}
