package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// flagger.app, as Argo CD assesses it (resource_customizations/flagger.app).
func init() {
	register("flagger.app", map[string]Check{"Canary": canaryHealth})
}

// canaryPhases are the health of a Canary by status.phase; any other
// phase is Unknown.
var canaryPhases = map[string]v1alpha1.HealthStatusCode{
	"Failed":      v1alpha1.HealthStatusDegraded,
	"Progressing": v1alpha1.HealthStatusProgressing,
	"Finalising":  v1alpha1.HealthStatusProgressing,
	"Promoting":   v1alpha1.HealthStatusProgressing,
	"Succeeded":   v1alpha1.HealthStatusHealthy,
	"Initialized": v1alpha1.HealthStatusHealthy,
}

// canaryHealth: status.phase picks the health; the message is the phase,
// the canary weight when above zero and every condition's message,
// joined by " --- ". Without status.canaryWeight, status.conditions or
// status.phase Argo CD's script fails, so the canary is Unknown. Follows
// resource_customizations/flagger.app/Canary.
func canaryHealth(obj *unstructured.Unstructured) (*Status, error) {
	const sep = " --- "
	st, ok := obj.Object["status"].(map[string]any)
	if !ok {
		return unknownHealth("No status"), nil
	}
	weight, ok := toNumber(st["canaryWeight"])
	if !ok {
		return unknownHealth("status.canaryWeight is not a number"), nil
	}
	if _, ok := st["conditions"].([]any); !ok {
		return unknownHealth("status.conditions is missing"), nil
	}
	phase, ok := st["phase"].(string)
	if !ok {
		return unknownHealth("status.phase is missing"), nil
	}
	var parts []string
	if weight > 0 {
		parts = append(parts, "Canary Weight: "+valueText(st["canaryWeight"])+" %")
	}
	for _, c := range conditions(obj) {
		parts = append(parts, c.Message)
	}
	code, ok := canaryPhases[phase]
	if !ok {
		code = v1alpha1.HealthStatusUnknown
	}
	return &Status{Code: code, Message: phase + sep + strings.Join(parts, sep)}, nil
}
