package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// numaplane.numaproj.io (Numaplane's rollouts of Numaflow objects), as
// Argo CD assesses it (resource_customizations/numaplane.numaproj.io).
func init() {
	register("numaplane.numaproj.io", map[string]Check{
		"ISBServiceRollout": numaplaneRule{FailedReason: "ISBSvcFailed", Progressive: true,
			Unknown: "Unknown status"}.check,
		"MonoVertexRollout": numaplaneRule{FailedReason: "MonoVertexFailed", Progressive: true,
			Paused: "MonoVertexPausingOrPaused", Unknown: "Unknown MonoVertex status"}.check,
		"PipelineRollout": numaplaneRule{FailedReason: "PipelineFailed", Progressive: true,
			Paused: "PipelinePausingOrPaused", Unknown: "Unknown Pipeline status"}.check,
		"NumaflowControllerRollout": numaplaneRule{Unknown: "Unknown status"}.check,
	})
}

// numaplaneRule checks a rollout in order. Progressing ("Not yet
// reconciled") without status or while status.observedGeneration differs
// from the generation; Progressing ("Update in progress") while
// status.upgradeInProgress is set or the phase is Pending, unless (with
// Progressive) a ProgressiveUpgradeSucceeded condition is False;
// Progressing ("Child Progressing") while ChildResourcesHealthy is False
// for reason Progressing. Then Degraded in phase Failed (status.message),
// or at the first condition that is ChildResourcesHealthy False for
// FailedReason (any other reason when empty; its message) or, with
// Progressive, ProgressiveUpgradeSucceeded False ("Progressive upgrade
// failed"). Then Healthy with the message of a Paused condition that is
// True, or "Healthy" with ChildResourcesHealthy True; else Unknown.
// Follows resource_customizations/numaplane.numaproj.io/<Kind>.
type numaplaneRule struct {
	FailedReason string
	Progressive  bool
	// Paused is the condition type that, True, reports a paused rollout.
	Paused string
	// Unknown is the message when nothing decides.
	Unknown string
}

func (r numaplaneRule) check(obj *unstructured.Unstructured) (*Status, error) {
	raw := obj.Object["status"]
	if raw == nil {
		return progressing("Not yet reconciled"), nil
	}
	status, ok := raw.(map[string]any)
	if !ok {
		return unknownHealth("status is not an object"), nil
	}
	if !sameValue(valueAt(obj.Object, "metadata", "generation"), status["observedGeneration"]) {
		return progressing("Not yet reconciled"), nil
	}
	conds := conditions(obj)
	is := func(c condition, t, s string) bool { return c.Type == t && c.Status == s }
	progressiveFailed := false
	for _, c := range conds {
		progressiveFailed = progressiveFailed || (r.Progressive && is(c, "ProgressiveUpgradeSucceeded", "False"))
	}
	if up := status["upgradeInProgress"]; (up != nil && up != "") || status["phase"] == "Pending" {
		if !progressiveFailed {
			return progressing("Update in progress"), nil
		}
	}
	for _, c := range conds {
		if is(c, "ChildResourcesHealthy", "False") && c.Reason == "Progressing" {
			return progressing("Child Progressing"), nil
		}
	}
	if status["phase"] == "Failed" {
		msg, _ := promoterText(status["message"], "")
		return degraded(msg), nil
	}
	for _, c := range conds {
		failedChild := c.Reason == r.FailedReason || (r.FailedReason == "" && c.Reason != "Progressing")
		switch {
		case is(c, "ChildResourcesHealthy", "False") && failedChild:
			return degraded(c.Message), nil
		case r.Progressive && is(c, "ProgressiveUpgradeSucceeded", "False"):
			return degraded("Progressive upgrade failed"), nil
		}
	}
	for _, c := range conds {
		if r.Paused != "" && is(c, r.Paused, "True") {
			return healthy(c.Message), nil
		}
	}
	for _, c := range conds {
		if is(c, "ChildResourcesHealthy", "True") {
			return healthy("Healthy"), nil
		}
	}
	return unknownHealth(r.Unknown), nil
}
