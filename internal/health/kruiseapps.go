package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// apps.kruise.io, as Argo CD assesses it (resource_customizations/apps.kruise.io).
// Where Argo CD's script would do arithmetic on an absent count the check
// fails, and the object is Unknown as in Argo CD.
func init() {
	register("apps.kruise.io", map[string]Check{
		"AdvancedCronJob": advancedCronJobHealth,
		"BroadcastJob":    broadcastJobHealth,
		"CloneSet":        cloneSetHealth,
		"DaemonSet":       kruiseDaemonSetHealth,
		"StatefulSet":     kruiseStatefulSetHealth,
	})
}

// advancedCronJobHealth: never scheduled and spec.paused is Suspended;
// active jobs Progressing; never scheduled (no status.lastScheduleTime)
// Degraded; else Healthy. Follows
// resource_customizations/apps.kruise.io/AdvancedCronJob.
func advancedCronJobHealth(obj *unstructured.Unstructured) (*Status, error) {
	_, scheduled := valueAt(obj.Object, "status", "lastScheduleTime").(string)
	active, _ := valueAt(obj.Object, "status", "active").([]any)
	switch {
	case !scheduled && valueAt(obj.Object, "spec", "paused") == true:
		return suspended("AdvancedCronJob is Paused"), nil
	case len(active) > 0:
		return progressing("AdvancedCronJobs has active jobs"), nil
	case !scheduled:
		return degraded("AdvancedCronJobs has not run successfully"), nil
	}
	return healthy("AdvancedCronJobs has run successfully"), nil
}

// broadcastJobHealth: status.phase with the counts: completed with as
// many succeeded as desired is Healthy, running with active pods
// Progressing, failed with failed pods Degraded, paused with spec.paused
// Suspended; anything else Progressing. Follows
// resource_customizations/apps.kruise.io/BroadcastJob.
func broadcastJobHealth(obj *unstructured.Unstructured) (*Status, error) {
	const running = "BroadcastJob is still running"
	st, ok := obj.Object["status"].(map[string]any)
	if !ok {
		return progressing(running), nil
	}
	phase := st["phase"]
	switch {
	case phase == "completed" && sameValue(st["desired"], st["succeeded"]):
		return healthy("BroadcastJob is completed successfully"), nil
	case phase == "running" && !sameValue(st["active"], int64(0)):
		return progressing(running), nil
	case phase == "failed" && !sameValue(st["failed"], int64(0)):
		return degraded("BroadcastJob failed"), nil
	case phase == "paused" && valueAt(obj.Object, "spec", "paused") == true:
		return suspended("BroadcastJob is Paused"), nil
	}
	return progressing(running), nil
}

// kruiseWaiting is the message of a Kruise workload whose status does
// not describe the current generation yet.
const kruiseWaiting = "Waiting for initialization"

// kruiseObserved reports whether the status describes the current
// generation.
func kruiseObserved(obj *unstructured.Unstructured) bool {
	return obj.Object["status"] != nil &&
		sameValue(valueAt(obj.Object, "metadata", "generation"), valueAt(obj.Object, "status", "observedGeneration"))
}

// kruisePartitioned reports whether a rollout is held by a partition: one
// set (absent counts, unless required) and not 0, past the first
// generation.
func kruisePartitioned(obj *unstructured.Unstructured, partition any, required bool) (bool, error) {
	if (required && partition == nil) || sameValue(partition, int64(0)) {
		return false, nil
	}
	gen, err := numberAt(obj.Object, "metadata", "generation")
	return gen > 1, err
}

// cloneSetHealth: for the observed generation, a paused update (or no
// updatedAvailableReplicas) is Suspended; a partition with the expected
// replicas updated Suspended, else waiting; all replicas updated and
// available Healthy, otherwise Degraded. Follows
// resource_customizations/apps.kruise.io/CloneSet.
func cloneSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !kruiseObserved(obj) {
		return progressing(kruiseWaiting), nil
	}
	st := obj.Object["status"].(map[string]any)
	if valueAt(obj.Object, "spec", "updateStrategy", "paused") == true || !truthy(st["updatedAvailableReplicas"]) {
		return suspended("Cloneset is paused"), nil
	}
	held, err := kruisePartitioned(obj, valueAt(obj.Object, "spec", "updateStrategy", "partition"), false)
	if err != nil {
		return nil, err
	}
	if held {
		updated, err := numberAt(st, "updatedReplicas")
		if err != nil {
			return nil, err
		}
		expected, err := numberAt(st, "expectedUpdatedReplicas")
		if err != nil {
			return nil, err
		}
		if updated >= expected {
			return suspended("Cloneset needs manual intervention"), nil
		}
		return progressing(kruiseWaiting), nil
	}
	if sameValue(st["updatedAvailableReplicas"], st["replicas"]) {
		return healthy("All Cloneset workloads are ready and updated"), nil
	}
	return degraded("Some replicas are not ready or available"), nil
}

// kruiseStatefulSetHealth: as CloneSet, with the pause and partition
// under spec.updateStrategy.rollingUpdate, and a partition holding the
// rollout while more than replicas-partition are updated. Follows
// resource_customizations/apps.kruise.io/StatefulSet.
func kruiseStatefulSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !kruiseObserved(obj) {
		return progressing(kruiseWaiting), nil
	}
	st := obj.Object["status"].(map[string]any)
	if valueAt(obj.Object, "spec", "updateStrategy", "rollingUpdate", "paused") == true || !truthy(st["updatedAvailableReplicas"]) {
		return suspended("Statefulset is paused"), nil
	}
	held, err := kruisePartitioned(obj, valueAt(obj.Object, "spec", "updateStrategy", "rollingUpdate", "partition"), false)
	if err != nil {
		return nil, err
	}
	if held {
		over, err := kruiseOverPartition(obj, "updatedReplicas", "replicas")
		if err != nil {
			return nil, err
		}
		if over {
			return suspended("Statefulset needs manual intervention"), nil
		}
		return progressing(kruiseWaiting), nil
	}
	if sameValue(st["updatedAvailableReplicas"], st["replicas"]) {
		return healthy("All Statefulset workloads are ready and updated"), nil
	}
	return degraded("Some replicas are not ready or available"), nil
}

// kruiseOverPartition reports whether more pods are updated than the
// partition leaves to update: status.<updated> > status.<total> - partition.
func kruiseOverPartition(obj *unstructured.Unstructured, updated, total string) (bool, error) {
	u, err := numberAt(obj.Object, "status", updated)
	if err != nil {
		return false, err
	}
	t, err := numberAt(obj.Object, "status", total)
	if err != nil {
		return false, err
	}
	p, err := numberAt(obj.Object, "spec", "updateStrategy", "rollingUpdate", "partition")
	if err != nil {
		return false, err
	}
	return u > t-p, nil
}

// kruiseDaemonSetHealth: for the observed generation, a paused update (or
// no updatedNumberScheduled) is Suspended; a set partition with more
// pods updated than it leaves Suspended, else waiting; all pods updated
// and available Healthy; all updated and all unavailable Degraded;
// otherwise waiting. Follows resource_customizations/apps.kruise.io/DaemonSet.
func kruiseDaemonSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !kruiseObserved(obj) {
		return progressing(kruiseWaiting), nil
	}
	st := obj.Object["status"].(map[string]any)
	if valueAt(obj.Object, "spec", "updateStrategy", "rollingUpdate", "paused") == true || !truthy(st["updatedNumberScheduled"]) {
		return suspended("Daemonset is paused"), nil
	}
	held, err := kruisePartitioned(obj, valueAt(obj.Object, "spec", "updateStrategy", "rollingUpdate", "partition"), true)
	if err != nil {
		return nil, err
	}
	if held {
		over, err := kruiseOverPartition(obj, "updatedNumberScheduled", "desiredNumberScheduled")
		if err != nil {
			return nil, err
		}
		if over {
			return suspended("Daemonset needs manual intervention"), nil
		}
		return progressing(kruiseWaiting), nil
	}
	desired := st["desiredNumberScheduled"]
	if sameValue(st["updatedNumberScheduled"], desired) {
		if sameValue(st["numberAvailable"], desired) {
			return healthy("All Daemonset workloads are ready and updated"), nil
		}
		if sameValue(st["numberUnavailable"], desired) {
			return degraded("Some pods are not ready or available"), nil
		}
	}
	return progressing(kruiseWaiting), nil
}
