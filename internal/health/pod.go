package health

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

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
