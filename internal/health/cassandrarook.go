package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// cassandra.rook.io, as Argo CD assesses it (resource_customizations/cassandra.rook.io).
func init() {
	register("cassandra.rook.io", map[string]Check{"Cluster": cassandraClusterHealth})
}

// cassandraClusterHealth: once status.racks is reported, every rack with
// as many ready members as members makes the cluster Healthy (with no
// message); otherwise it is Progressing. Follows
// resource_customizations/cassandra.rook.io/Cluster.
func cassandraClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	const waiting = "Waiting for Cassandra Cluster"
	racks, ok := valueAt(obj.Object, "status", "racks").(map[string]any)
	if !ok {
		return progressing(waiting), nil
	}
	for _, r := range racks {
		rack, _ := r.(map[string]any)
		if rack["members"] != nil && rack["readyMembers"] != nil && !sameValue(rack["members"], rack["readyMembers"]) {
			return progressing(waiting), nil
		}
	}
	return healthy(""), nil
}
