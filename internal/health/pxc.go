package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// pxc.percona.com, as Argo CD assesses it (resource_customizations/pxc.percona.com).
func init() {
	register("pxc.percona.com", map[string]Check{"PerconaXtraDBCluster": perconaXtraDBClusterHealth})
}

// perconaXtraDBClusterHealth: status.state initializing is Progressing,
// ready Healthy (both with the nodes ready), paused Unknown, stopping
// Degraded, error Degraded with status.message's items; others Unknown.
// Follows resource_customizations/pxc.percona.com/PerconaXtraDBCluster.
func perconaXtraDBClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, _ := lookMap(obj.Object, "status")
	state, _ := status["state"].(string)
	switch {
	case status == nil:
	case state == "initializing":
		return progressing(perconaNodesReady(status)), nil
	case state == "ready":
		return healthy(perconaNodesReady(status)), nil
	case state == "paused":
		return statusOf(codeUnknown, "Cluster is paused"), nil
	case state == "stopping":
		return degraded("Cluster is stopping (" + luaString(status["ready"]) + "/" + luaString(status["size"]) + " node(s) are ready)"), nil
	case state == "error":
		return degraded("Cluster is on error: " + joinList(status["message"], ", ")), nil
	}
	return statusOf(codeUnknown, "Cluster status is unknown. Ensure your ArgoCD is current and then check for/file a bug report: https://github.com/argoproj/argo-cd/issues"), nil
}
