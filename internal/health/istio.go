package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// install.istio.io, as Argo CD assesses it
// (resource_customizations/install.istio.io: IstioOperator only;
// networking.istio.io has no built-in check there).
func init() {
	register("install.istio.io", map[string]Check{
		"IstioOperator": istioOperatorHealth,
	})
}

// istioOperatorStates maps status.status, by name or by number, to health.
var istioOperatorStates = map[string]Status{
	"NONE":        {Code: "Unknown", Message: "Component is not present."},
	"UPDATING":    {Code: "Progressing", Message: "Component is being updated to a different version."},
	"RECONCILING": {Code: "Progressing", Message: "Controller has started but not yet completed reconciliation loop for the component."},
	"HEALTHY":     {Code: "Healthy", Message: "Component is healthy."},
	"ERROR":       {Code: "Degraded", Message: "Component is in an error state."},
}

var istioOperatorNumbers = []string{"NONE", "UPDATING", "RECONCILING", "HEALTHY", "ERROR"}

func istioOperatorHealth(obj *unstructured.Unstructured) (*Status, error) {
	v, _, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "status")
	name, _ := v.(string)
	var n float64 = -1
	switch x := v.(type) {
	case int64:
		n = float64(x)
	case float64:
		n = x
	}
	if i := int(n); float64(i) == n && i >= 0 && i < len(istioOperatorNumbers) {
		name = istioOperatorNumbers[i]
	}
	if st, ok := istioOperatorStates[name]; ok {
		return &st, nil
	}
	return progressing("Waiting for Istio Control Plane"), nil
}
