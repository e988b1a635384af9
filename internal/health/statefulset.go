package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func statefulSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	var s appsv1.StatefulSet
	if err := convert(obj, &s); err != nil {
		return nil, err
	}
	if s.Status.ObservedGeneration == 0 || s.Generation > s.Status.ObservedGeneration {
		return progressing("Waiting for statefulset spec update to be observed..."), nil
	}
	want := int32(1)
	if s.Spec.Replicas != nil {
		want = *s.Spec.Replicas
	}
	if s.Status.ReadyReplicas < want {
		return progressing(fmt.Sprintf("Waiting for %d pods to be ready...", want-s.Status.ReadyReplicas)), nil
	}
	if s.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return healthy(fmt.Sprintf("statefulset has %d ready pods", s.Status.ReadyReplicas)), nil
	}
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil && *ru.Partition > 0 {
		if s.Status.UpdatedReplicas < want-*ru.Partition {
			return progressing(fmt.Sprintf("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...",
				s.Status.UpdatedReplicas, want-*ru.Partition)), nil
		}
		return healthy(fmt.Sprintf("partitioned roll out complete: %d new pods have been updated...", s.Status.UpdatedReplicas)), nil
	}
	if s.Status.UpdateRevision != "" && s.Status.CurrentRevision != s.Status.UpdateRevision {
		return progressing(fmt.Sprintf("waiting for statefulset rolling update to complete %d pods at revision %s...",
			s.Status.UpdatedReplicas, s.Status.UpdateRevision)), nil
	}
	return healthy(fmt.Sprintf("statefulset rolling update complete %d pods at revision %s...", s.Status.CurrentReplicas, s.Status.CurrentRevision)), nil
}
