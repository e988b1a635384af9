package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// psmdb.percona.com, as Argo CD assesses it (resource_customizations/psmdb.percona.com).
func init() {
	register("psmdb.percona.com", map[string]Check{"PerconaServerMongoDB": perconaServerMongoDBHealth})
}

// psmdbStates: status.state to health.
var psmdbStates = map[string]v1alpha1.HealthStatusCode{
	"initializing": codeProgressing,
	"ready":        codeHealthy,
	"error":        codeDegraded,
	"stopping":     codeProgressing,
	"paused":       codeSuspended,
}

// perconaServerMongoDBHealth: status.state by psmdbStates (Unknown for
// others), with "<ready>/<size> node(s) are ready". Follows
// resource_customizations/psmdb.percona.com/PerconaServerMongoDB.
func perconaServerMongoDBHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, ok := lookMap(obj.Object, "status")
	if !ok {
		return statusOf(codeUnknown, "Cluster status is unknown"), nil
	}
	state, _ := status["state"].(string)
	code, ok := psmdbStates[state]
	if !ok {
		code = codeUnknown
	}
	return statusOf(code, perconaNodesReady(status)), nil
}

// perconaNodesReady is "<status.ready>/<status.size> node(s) are ready".
func perconaNodesReady(status map[string]any) string {
	return luaString(status["ready"]) + "/" + luaString(status["size"]) + " node(s) are ready"
}

// joinList joins a list field's items with sep (Lua's table.concat).
func joinList(v any, sep string) string {
	l, _ := v.([]any)
	parts := make([]string, 0, len(l))
	for _, x := range l {
		parts = append(parts, luaString(x))
	}
	return strings.Join(parts, sep)
}
