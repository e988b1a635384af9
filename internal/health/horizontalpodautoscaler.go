package health

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// hpaConditionsAnnotation holds an autoscaling/v1 HPA's conditions, which
// that version has no field for.
const hpaConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions"

// hpaDegraded are the condition types and reasons that mean an HPA cannot
// do its work (Argo CD's list, gitops-engine health_hpa).
var hpaDegraded = map[[2]string]bool{
	{"AbleToScale", "FailedGetScale"}:            true,
	{"AbleToScale", "FailedUpdateScale"}:         true,
	{"ScalingActive", "FailedGetResourceMetric"}: true,
	{"ScalingActive", "InvalidSelector"}:         true,
}

// hpaHealth reads the HPA's conditions, from status (autoscaling/v2) or
// from the conditions annotation (autoscaling/v1), in order: the first
// that is a known failure makes it Degraded, the first AbleToScale or
// ScalingLimited that is True makes it Healthy; otherwise it is
// Progressing ("Waiting to Autoscale"), as in Argo CD.
func hpaHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	if obj.GroupVersionKind().Version == "v1" {
		conds = nil
		if raw, ok := obj.GetAnnotations()[hpaConditionsAnnotation]; ok {
			if err := json.Unmarshal([]byte(raw), &conds); err != nil {
				return nil, fmt.Errorf("HorizontalPodAutoscaler %s: annotation %s: %w", obj.GetName(), hpaConditionsAnnotation, err)
			}
		}
	}
	for _, c := range conds {
		if hpaDegraded[[2]string{c.Type, c.Reason}] {
			return degraded(c.Message), nil
		}
		if (c.Type == "AbleToScale" || c.Type == "ScalingLimited") && c.Status == "True" {
			return healthy(c.Message), nil
		}
	}
	return progressing("Waiting to Autoscale"), nil
}
