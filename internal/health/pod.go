package health

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// AnnotationIgnoreRestartPolicy makes a running Pod whose restartPolicy is
// Never or OnFailure count as a long-running one (Healthy once Ready), as
// Argo CD's annotation does; hook Pods ignore it.
const AnnotationIgnoreRestartPolicy = "argocd.argoproj.io/ignore-restart-policy"

// podHealth follows Argo CD's Pod assessment (gitops-engine health_pod):
// a long-running Pod (restartPolicy Always, or the annotation) is Degraded
// while a container waits for a reason that needs a change (Err*, *Error,
// *BackOff), Healthy once Ready, Degraded if a container has terminated
// before; a Pod that runs to completion is Progressing until it succeeds.
func podHealth(obj *unstructured.Unstructured) (*Status, error) {
	var p corev1.Pod
	if err := convert(obj, &p); err != nil {
		return nil, err
	}
	_, isHook := obj.GetAnnotations()["argocd.argoproj.io/hook"]
	longRunning := p.Spec.RestartPolicy == corev1.RestartPolicyAlways || p.Spec.RestartPolicy == "" ||
		(obj.GetAnnotations()[AnnotationIgnoreRestartPolicy] == "true" && !isHook)
	if longRunning {
		var msgs []string
		bad := false
		for _, cs := range p.Status.ContainerStatuses {
			if w := cs.State.Waiting; w != nil && (strings.HasPrefix(w.Reason, "Err") || strings.HasSuffix(w.Reason, "Error") || strings.HasSuffix(w.Reason, "BackOff")) {
				bad = true
				msgs = append(msgs, w.Message)
			}
		}
		if bad {
			return degraded(strings.Join(msgs, ", ")), nil
		}
	}
	switch p.Status.Phase {
	case corev1.PodPending:
		return progressing(p.Status.Message), nil
	case corev1.PodSucceeded:
		return healthy(p.Status.Message), nil
	case corev1.PodFailed:
		if p.Status.Message != "" {
			return degraded(p.Status.Message), nil
		}
		for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
			if msg := terminatedMessage(cs); msg != "" {
				return degraded(msg), nil
			}
		}
		return degraded(""), nil
	case corev1.PodRunning:
		if !longRunning {
			return progressing(p.Status.Message), nil // runs to completion, typically a hook
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return healthy(p.Status.Message), nil
			}
		}
		for _, cs := range p.Status.ContainerStatuses {
			if cs.LastTerminationState.Terminated != nil {
				return degraded(p.Status.Message), nil
			}
		}
		return progressing(p.Status.Message), nil
	}
	return &Status{Code: v1alpha1.HealthStatusUnknown, Message: p.Status.Message}, nil
}

// terminatedMessage says why a terminated container failed, "" if it did not.
func terminatedMessage(cs corev1.ContainerStatus) string {
	t := cs.State.Terminated
	switch {
	case t == nil:
		return ""
	case t.Message != "":
		return t.Message
	case t.Reason == "OOMKilled":
		return t.Reason
	case t.ExitCode != 0:
		return fmt.Sprintf("container %q failed with exit code %d", cs.Name, t.ExitCode)
	}
	return ""
}
