package health

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func jobHealth(obj *unstructured.Unstructured) (*Status, error) {
	var j batchv1.Job
	if err := convert(obj, &j); err != nil {
		return nil, err
	}
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobFailed:
			return degraded(c.Message), nil
		case batchv1.JobComplete:
			return healthy(c.Message), nil
		}
	}
	if j.Spec.Suspend != nil && *j.Spec.Suspend {
		return suspended("Job is suspended"), nil
	}
	return progressing(""), nil
}
