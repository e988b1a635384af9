package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// core.humio.com, as Argo CD assesses it (resource_customizations/core.humio.com).
func init() {
	// status.state of a Humio object kept in the cluster's Humio: Exists
	// is Healthy, NotFound Missing, ConfigError Degraded, Unknown
	// Unknown; follows the HumioAction, HumioAlert, HumioIngestToken,
	// HumioParser, HumioRepository and HumioView kinds of
	// resource_customizations/core.humio.com.
	component := stateRule{
		Path: []string{"status", "state"},
		States: map[string]phaseHealth{
			"Exists":      {Code: v1alpha1.HealthStatusHealthy, Message: "Component state: Exists."},
			"NotFound":    {Code: v1alpha1.HealthStatusMissing, Message: "Component state: NotFound."},
			"ConfigError": {Code: v1alpha1.HealthStatusDegraded, Message: "Component state: ConfigError."},
			"Unknown":     {Code: v1alpha1.HealthStatusUnknown, Message: "Component state: Unknown."},
		},
		Default: phaseHealth{Code: v1alpha1.HealthStatusProgressing, Message: "Update in progress"},
	}.check
	register("core.humio.com", map[string]Check{
		"HumioAction":      component,
		"HumioAlert":       component,
		"HumioCluster":     humioClusterHealth,
		"HumioIngestToken": component,
		"HumioParser":      component,
		"HumioRepository":  component,
		"HumioView":        component,
	})
}

// humioClusterStates are a HumioCluster's states, each with the message
// used when status.message is absent.
var humioClusterStates = map[string]Status{
	"Running":     {Code: v1alpha1.HealthStatusHealthy, Message: "Cluster is in a healthy running state"},
	"Restarting":  {Code: v1alpha1.HealthStatusProgressing, Message: "Cluster pods are being restarted"},
	"Upgrading":   {Code: v1alpha1.HealthStatusProgressing, Message: "Cluster pods are being upgraded"},
	"ConfigError": {Code: v1alpha1.HealthStatusDegraded, Message: "User-provided cluster specification resulted in a configuration error"},
	"Pending":     {Code: v1alpha1.HealthStatusProgressing, Message: "Cluster is waiting on resources to be provisioned"},
	"Unknown":     {Code: v1alpha1.HealthStatusUnknown, Message: "Component state: Unknown."},
}

// humioClusterHealth: status.state from humioClusterStates, with
// status.message when there is one; another state is Progressing. With
// no status at all Argo CD's script fails, so the cluster is Unknown.
// Follows resource_customizations/core.humio.com/HumioCluster.
func humioClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	if obj.Object["status"] == nil {
		return unknownHealth("HumioCluster has no status"), nil
	}
	state, _ := valueAt(obj.Object, "status", "state").(string)
	st, ok := humioClusterStates[state]
	if !ok {
		return progressing("Update in progress"), nil
	}
	if m := valueAt(obj.Object, "status", "message"); m != nil {
		st.Message = valueText(m)
	}
	return &st, nil
}
