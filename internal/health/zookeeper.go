package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// zookeeper.pravega.io, as Argo CD assesses it (resource_customizations/zookeeper.pravega.io).
func init() {
	register("zookeeper.pravega.io", map[string]Check{"ZookeeperCluster": zookeeperClusterHealth})
}

// zookeeperClusterHealth: Healthy when status.readyReplicas is not 0 and
// equals status.replicas (two absent counts are equal, as in Argo CD's
// script), else Progressing. Follows
// resource_customizations/zookeeper.pravega.io/ZookeeperCluster.
func zookeeperClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); ok {
		ready, hasReady := lookNum(obj.Object, "status", "readyReplicas")
		replicas, hasReplicas := lookNum(obj.Object, "status", "replicas")
		if (!hasReady || ready != 0) && hasReady == hasReplicas && ready == replicas {
			return healthy("All ZK Nodes have joined the ensemble"), nil
		}
	}
	return progressing("Waiting for ZK Nodes to join the ensemble"), nil
}
