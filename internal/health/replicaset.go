package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func replicaSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	var r appsv1.ReplicaSet
	if err := convert(obj, &r); err != nil {
		return nil, err
	}
	if r.Generation > r.Status.ObservedGeneration {
		return progressing("Waiting for rollout to finish: observed replica set generation less than desired generation"), nil
	}
	for _, c := range r.Status.Conditions {
		if c.Type == appsv1.ReplicaSetReplicaFailure && c.Status == corev1.ConditionTrue {
			return degraded(c.Message), nil
		}
	}
	want := int32(1)
	if r.Spec.Replicas != nil {
		want = *r.Spec.Replicas
	}
	if r.Status.AvailableReplicas < want {
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d out of %d new replicas are available...", r.Status.AvailableReplicas, want)), nil
	}
	return healthy(""), nil
}
