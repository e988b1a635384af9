package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// solr.apache.org, as Argo CD assesses it (resource_customizations/solr.apache.org).
func init() {
	register("solr.apache.org", map[string]Check{"SolrCloud": solrCloudHealth})
}

// solrCloudHealth: Healthy once every node of status.solrNodes is ready.
// Follows resource_customizations/solr.apache.org/SolrCloud.
func solrCloudHealth(obj *unstructured.Unstructured) (*Status, error) {
	nodes, ok := lookList(obj.Object, "status", "solrNodes")
	if !ok {
		return progressing("Waiting for solr to exist"), nil
	}
	for _, n := range nodes {
		if m, _ := n.(map[string]any); !truthy(m["ready"]) {
			return progressing("Not all replicas are ready"), nil
		}
	}
	return healthy("Solr is ready"), nil
}
