package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func deploymentHealth(obj *unstructured.Unstructured) (*Status, error) {
	var d appsv1.Deployment
	if err := convert(obj, &d); err != nil {
		return nil, err
	}
	if d.Spec.Paused {
		return suspended("Deployment is paused"), nil
	}
	if d.Generation > d.Status.ObservedGeneration {
		return progressing("Waiting for rollout to finish: observed deployment generation less than desired generation"), nil
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			return degraded(fmt.Sprintf("Deployment %q exceeded its progress deadline", d.Name)), nil
		}
	}
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	switch {
	case s.UpdatedReplicas < want:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d out of %d new replicas have been updated...", s.UpdatedReplicas, want)), nil
	case s.Replicas > s.UpdatedReplicas:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d old replicas are pending termination...", s.Replicas-s.UpdatedReplicas)), nil
	case s.AvailableReplicas < s.UpdatedReplicas:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d of %d updated replicas are available...", s.AvailableReplicas, s.UpdatedReplicas)), nil
	}
	return healthy(""), nil
}

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

func daemonSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	var d appsv1.DaemonSet
	if err := convert(obj, &d); err != nil {
		return nil, err
	}
	if d.Generation > d.Status.ObservedGeneration {
		return progressing("Waiting for rollout to finish: observed daemon set generation less than desired generation"), nil
	}
	if d.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return healthy(fmt.Sprintf("daemon set %d out of %d new pods have been updated", d.Status.UpdatedNumberScheduled, d.Status.DesiredNumberScheduled)), nil
	}
	s := d.Status
	if s.UpdatedNumberScheduled < s.DesiredNumberScheduled {
		return progressing(fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...", d.Name, s.UpdatedNumberScheduled, s.DesiredNumberScheduled)), nil
	}
	if s.NumberAvailable < s.DesiredNumberScheduled {
		return progressing(fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...", d.Name, s.NumberAvailable, s.DesiredNumberScheduled)), nil
	}
	return healthy(""), nil
}

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

// badWaitingReasons mark a container that will not start without a change.
var badWaitingReasons = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "CrashLoopBackOff": true, "InvalidImageName": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

func podHealth(obj *unstructured.Unstructured) (*Status, error) {
	var p corev1.Pod
	if err := convert(obj, &p); err != nil {
		return nil, err
	}
	for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		if w := cs.State.Waiting; w != nil && badWaitingReasons[w.Reason] {
			return degraded(w.Message), nil
		}
	}
	switch p.Status.Phase {
	case corev1.PodSucceeded:
		return healthy(p.Status.Message), nil
	case corev1.PodFailed:
		msg := p.Status.Message
		if msg == "" {
			msg = "Pod failed"
		}
		return degraded(msg), nil
	case corev1.PodRunning:
		if p.Spec.RestartPolicy == corev1.RestartPolicyAlways || p.Spec.RestartPolicy == "" {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					return healthy(p.Status.Message), nil
				}
			}
		}
		return progressing(p.Status.Message), nil
	}
	return progressing(p.Status.Message), nil
}

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
