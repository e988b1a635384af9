package health

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func apiServiceHealth(obj *unstructured.Unstructured) (*Status, error) {
	c, ok := findCondition(conditions(obj), "Available")
	switch {
	case ok && c.Status == "True":
		return healthy(c.Message), nil
	case ok:
		return progressing(fmt.Sprintf("%s: %s", c.Reason, c.Message)), nil
	}
	return progressing("Waiting to be processed"), nil
}
