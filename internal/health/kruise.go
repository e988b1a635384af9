package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// rollouts.kruise.io, as Argo CD assesses it (resource_customizations/rollouts.kruise.io).
func init() {
	register("rollouts.kruise.io", map[string]Check{"Rollout": kruiseRolloutHealth})
}

// kruiseRolloutHealth: once the generation is observed, the canary's
// current step state with status.phase decides: StepPaused while
// Progressing is Suspended, Completed and Healthy Healthy, StepPaused
// while Terminating or Disabled Degraded; otherwise Progressing. Follows
// resource_customizations/rollouts.kruise.io/Rollout.
func kruiseRolloutHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("Rollout is still progressing")
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return statusOf(codeUnknown, "no status to read status.observedGeneration"), nil
	}
	gen, hasGen := lookNum(obj.Object, "metadata", "generation")
	seen, hasSeen := lookNum(obj.Object, "status", "observedGeneration")
	if hasGen != hasSeen || gen != seen {
		return st, nil
	}
	step, _ := lookStr(obj.Object, "status", "canaryStatus", "currentStepState")
	phase, _ := lookStr(obj.Object, "status", "phase")
	switch {
	case step == "StepPaused" && phase == "Progressing":
		return suspended("Rollout is Paused need manual intervention"), nil
	case step == "Completed" && phase == "Healthy":
		return healthy("Rollout is Completed"), nil
	case step == "StepPaused" && (phase == "Terminating" || phase == "Disabled"):
		return degraded("Rollout is Disabled or Terminating"), nil
	}
	return st, nil
}
