package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// cdi.kubevirt.io, as Argo CD assesses it (resource_customizations/cdi.kubevirt.io).
func init() {
	register("cdi.kubevirt.io", map[string]Check{"DataVolume": dataVolumeHealth})
}

// dataVolumeHealth: status.phase is the message; Succeeded is Healthy,
// Paused Suspended, Failed or Unknown Degraded, any other Progressing. A
// Running condition False for the reason Error makes it Degraded with the
// condition's message. Follows resource_customizations/cdi.kubevirt.io/DataVolume.
func dataVolumeHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := &Status{Code: v1alpha1.HealthStatusProgressing, Message: "No status available"}
	if obj.Object["status"] == nil {
		return st, nil
	}
	if phase := valueAt(obj.Object, "status", "phase"); phase != nil {
		st.Message = valueText(phase)
		switch phase {
		case "Succeeded":
			return healthy(st.Message), nil
		case "Paused":
			return suspended(st.Message), nil
		case "Failed", "Unknown":
			st.Code = v1alpha1.HealthStatusDegraded
		}
	}
	for _, c := range conditions(obj) {
		if c.Type == "Running" && c.Status == "False" && c.Reason == "Error" {
			return degraded(c.Message), nil
		}
	}
	return st, nil
}
