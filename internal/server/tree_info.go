package server

import (
	"fmt"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// revisionAnnotations hold a workload's revision, which Argo CD's tree
// shows as the info item Revision "Rev:N": Deployments and their
// ReplicaSets, and Rollouts and theirs.
var revisionAnnotations = []string{"deployment.kubernetes.io/revision", "rollout.argoproj.io/revision"}

// nodeInfo is what Argo CD's cluster cache says of an object in the tree:
// the revision of a workload, and, for a Pod, its status reason, node,
// ready containers and restarts, and its images.
func nodeInfo(obj *unstructured.Unstructured) ([]infoItem, []string) {
	var info []infoItem
	for _, a := range revisionAnnotations {
		if rev, err := strconv.Atoi(obj.GetAnnotations()[a]); err == nil && rev > 0 {
			info = append(info, infoItem{Name: "Revision", Value: fmt.Sprintf("Rev:%d", rev)})
			break
		}
	}
	if obj.GroupVersionKind().Group != "" || obj.GetKind() != "Pod" {
		return info, nil
	}
	var pod corev1.Pod
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &pod); err != nil {
		return info, nil
	}
	return append(info, podInfo(&pod)...), podImages(&pod)
}

// podInfo follows Argo CD's pod info: Status Reason (as kubectl's STATUS
// column: the phase, or the reason of a waiting or terminated container,
// Init:… while init containers run, Terminating while deleted), Node,
// Containers "ready/total" and Restart Count when there were restarts.
func podInfo(pod *corev1.Pod) []infoItem {
	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	total, ready, restarts := len(pod.Spec.Containers), 0, 0
	sidecars := map[string]bool{}
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars[c.Name] = true
			total++
		}
	}
	initializing := false
	for i, c := range pod.Status.InitContainerStatuses {
		restarts += int(c.RestartCount)
		switch {
		case c.State.Terminated != nil && c.State.Terminated.ExitCode == 0:
			continue
		case sidecars[c.Name] && c.Started != nil && *c.Started:
			if c.Ready {
				ready++
			}
			continue
		case c.State.Terminated != nil:
			reason = "Init:" + terminatedReason(c.State.Terminated)
		case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != "PodInitializing":
			reason = "Init:" + c.State.Waiting.Reason
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
		}
		initializing = true
		break
	}
	if !initializing || podInitialized(pod) {
		running := false
		// Backwards, so that the first container's reason is the one shown, as kubectl shows it.
		for _, c := range slices.Backward(pod.Status.ContainerStatuses) {
			restarts += int(c.RestartCount)
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				reason = c.State.Waiting.Reason
			case c.State.Terminated != nil:
				reason = terminatedReason(c.State.Terminated)
			case c.Ready && c.State.Running != nil:
				running = true
				ready++
			}
		}
		if reason == "Completed" && running {
			reason = "Running"
		}
	}
	terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
	switch {
	case pod.DeletionTimestamp != nil && pod.Status.Reason == "NodeLost":
		reason = "Unknown"
	case pod.DeletionTimestamp != nil && !terminal:
		reason = "Terminating"
	}
	var info []infoItem
	if reason != "" {
		info = append(info, infoItem{Name: "Status Reason", Value: reason})
	}
	info = append(info, infoItem{Name: "Node", Value: pod.Spec.NodeName},
		infoItem{Name: "Containers", Value: fmt.Sprintf("%d/%d", ready, total)})
	if restarts > 0 {
		info = append(info, infoItem{Name: "Restart Count", Value: strconv.Itoa(restarts)})
	}
	return info
}

// terminatedReason is a terminated container's reason, else its signal or
// exit code.
func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	}
	return fmt.Sprintf("ExitCode:%d", t.ExitCode)
}

func podInitialized(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodInitialized {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podImages are the images of a Pod's containers and init containers,
// sorted and without repeats.
func podImages(pod *corev1.Pod) []string {
	var out []string
	for _, c := range append(slices.Clone(pod.Spec.InitContainers), pod.Spec.Containers...) {
		if c.Image != "" && !slices.Contains(out, c.Image) {
			out = append(out, c.Image)
		}
	}
	slices.Sort(out)
	return out
}
