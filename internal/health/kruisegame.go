package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// game.kruise.io, as Argo CD assesses it (resource_customizations/game.kruise.io).
func init() {
	register("game.kruise.io", map[string]Check{
		"GameServer":    gameServerHealth,
		"GameServerSet": gameServerSetHealth,
	})
}

// gameServerHealth: a current state other than the desired one is
// Progressing; a pod condition KruisePodReady not True Degraded; both
// states Ready Healthy; anything else (or no status) Unknown. Follows
// resource_customizations/game.kruise.io/GameServer.
func gameServerHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := unknownHealth("Waiting for GameServer to be ready")
	if obj.Object["status"] == nil {
		return waiting, nil
	}
	cur, dest := valueAt(obj.Object, "status", "currentState"), valueAt(obj.Object, "status", "desiredState")
	if !sameValue(cur, dest) {
		name := func(v any) string {
			if v == nil {
				return "Unknown"
			}
			return valueText(v)
		}
		return progressing("State change: " + name(cur) + " → " + name(dest)), nil
	}
	raw, _ := valueAt(obj.Object, "status", "podStatus", "conditions").([]any)
	for _, c := range conditionsOf(raw) {
		if c.Type == "KruisePodReady" && c.Status != "True" {
			return degraded("Pod is not ready: " + c.Type), nil
		}
	}
	if cur == "Ready" {
		return healthy("GameServer is Ready"), nil
	}
	return waiting, nil
}

// gameServerSetHealth: for the observed generation, a paused rolling
// update is Suspended, as is a partition once the replicas it lets update
// are updated; all replicas updated and ready is Healthy, fewer ready
// replicas Progressing. Follows
// resource_customizations/game.kruise.io/GameServerSet.
func gameServerSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Waiting for GameServerSet initialization")
	st, ok := obj.Object["status"].(map[string]any)
	if !ok || !sameValue(valueAt(obj.Object, "metadata", "generation"), st["observedGeneration"]) {
		return waiting, nil
	}
	ru, _ := valueAt(obj.Object, "spec", "updateStrategy", "rollingUpdate").(map[string]any)
	if ru["paused"] == true {
		return suspended("GameServerSet is paused"), nil
	}
	count := func(k string) float64 { return numberOr(st, 0, k) }
	partition := numberOr(ru, 0, "partition")
	if partition != 0 && count("updatedReplicas") >= count("replicas")-partition {
		return suspended("Partition=" + valueText(partition) + ", waiting for manual intervention"), nil
	}
	if count("updatedReadyReplicas") == count("replicas") {
		return healthy("All GameServerSet replicas are updated and ready"), nil
	}
	if count("readyReplicas") < count("replicas") {
		return progressing("ReadyReplicas " + valueText(count("readyReplicas")) + "/" + valueText(count("replicas")) + ", still progressing"), nil
	}
	return waiting, nil
}
