package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func hpaHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	for _, c := range conds {
		if (c.Type == "AbleToScale" || c.Type == "ScalingActive") && c.Status == "False" && strings.HasPrefix(c.Reason, "Failed") {
			return degraded(c.Message), nil
		}
	}
	if c, ok := findCondition(conds, "AbleToScale"); ok && c.Status == "True" {
		return healthy(c.Message), nil
	}
	return progressing("Waiting for the HPA to be able to scale"), nil
}
