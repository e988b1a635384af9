package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// rabbitmq.com, as Argo CD assesses it (resource_customizations/rabbitmq.com).
func init() {
	kinds := map[string]Check{"RabbitmqCluster": rabbitmqClusterHealth}
	for _, k := range []string{"Binding", "Exchange", "Permission", "Policy", "Queue", "Shovel", "User", "Vhost"} {
		kinds[k] = rabbitmqTopologyHealth(strings.ToLower(k))
	}
	register("rabbitmq.com", kinds)
}

// rabbitmqTopologyHealth: the Ready condition True with reason
// SuccessfulCreateOrUpdate is Healthy, False with FailedCreateOrUpdate
// Degraded; else Unknown. Follows resource_customizations/rabbitmq.com/<Kind>
// for the topology kinds.
func rabbitmqTopologyHealth(what string) Check {
	scan := condScan{Cases: []condCase{
		{Type: "Ready", Status: "True", Reason: "SuccessfulCreateOrUpdate", Code: codeHealthy, Msg: say("RabbitMQ " + what + " ready")},
		{Type: "Ready", Status: "False", Reason: "FailedCreateOrUpdate", Code: codeDegraded, Msg: say("RabbitMQ " + what + " failed to be created or updated")},
	}}
	unknown := statusOf(codeUnknown, "RabbitMQ "+what+" status is unknown")
	return func(obj *unstructured.Unstructured) (*Status, error) {
		if st := scan.over(conditions(obj)); st.Code != codeProgressing {
			return st, nil
		}
		return unknown, nil
	}
}

// rabbitmqClusterHealth: ReconcileSuccess False is Degraded with its
// message; ClusterAvailable or AllReplicasReady Unknown or False
// Progressing; both True Healthy. Follows
// resource_customizations/rabbitmq.com/RabbitmqCluster.
func rabbitmqClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookList(obj.Object, "status", "conditions"); ok {
		var available, replicas string
		for _, c := range conditions(obj) {
			switch {
			case c.Type == "ReconcileSuccess" && c.Status == "False":
				return degraded(c.Message), nil
			case c.Type == "ClusterAvailable":
				available = c.Status
			case c.Type == "AllReplicasReady":
				replicas = c.Status
			}
		}
		switch {
		case available == "Unknown" || replicas == "Unknown":
			return progressing("Waiting for RabbitMQ cluster readiness (conditions unknown)"), nil
		case available == "False":
			return progressing("Waiting for RabbitMQ cluster formation"), nil
		case replicas == "False":
			return progressing("Waiting for RabbitMQ instances ready"), nil
		case available == "True" && replicas == "True":
			return healthy("RabbitMQ cluster ready"), nil
		}
	}
	return progressing("Waiting for RabbitMQ Operator"), nil
}
