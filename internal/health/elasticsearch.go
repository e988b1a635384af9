package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// elasticsearch.k8s.elastic.co, as Argo CD assesses it
// (resource_customizations/elasticsearch.k8s.elastic.co).
func init() {
	register("elasticsearch.k8s.elastic.co", map[string]Check{"Elasticsearch": elasticsearchHealth})
}

// elasticsearchPhases are the health of a cluster with all its nodes
// available, by status.phase (Ready depends on status.health).
var elasticsearchPhases = map[string]func(string) *Status{
	"ApplyingChanges": progressing,
	"MigratingData":   progressing,
	"Invalid":         degraded,
}

// elasticsearchHealth: fewer status.availableNodes than the node sets'
// counts is Progressing; with all available, phase Ready is judged by
// status.health (green Healthy, yellow Progressing, red Degraded), and
// ApplyingChanges, MigratingData (Progressing) and Invalid (Degraded) by
// the phase. Anything else is Unknown. Follows
// resource_customizations/elasticsearch.k8s.elastic.co/Elasticsearch.
func elasticsearchHealth(obj *unstructured.Unstructured) (*Status, error) {
	unknown := unknownHealth("Elasticsearch Cluster status is unknown. Ensure your ArgoCD is current and then check for/file a bug report: https://github.com/argoproj/argo-cd/issues")
	st, _ := obj.Object["status"].(map[string]any)
	if st == nil || st["availableNodes"] == nil {
		return unknown, nil
	}
	available, err := numberAt(st, "availableNodes")
	if err != nil {
		return nil, err
	}
	sets, _ := valueAt(obj.Object, "spec", "nodeSets").([]any)
	var want float64
	for _, s := range sets {
		m, _ := s.(map[string]any)
		n, err := numberAt(m, "count")
		if err != nil {
			return nil, err
		}
		want += n
	}
	if available < want {
		return progressing("The desired amount of availableNodes is " + valueText(want) + " but the current amount is " + valueText(available)), nil
	}
	phase, health := st["phase"], st["health"]
	if available != want || phase == nil || health == nil {
		return unknown, nil
	}
	if phase == "Ready" {
		switch health {
		case "green":
			return healthy("Elasticsearch Cluster status is Green"), nil
		case "yellow":
			return progressing("Elasticsearch Cluster status is Yellow. Check the status of indices, replicas and shards"), nil
		case "red":
			return degraded("Elasticsearch Cluster status is Red. Check the status of indices, replicas and shards"), nil
		}
		return unknown, nil
	}
	if p, ok := phase.(string); ok && elasticsearchPhases[p] != nil {
		return elasticsearchPhases[p]("Elasticsearch phase is " + p), nil
	}
	return unknown, nil
}
