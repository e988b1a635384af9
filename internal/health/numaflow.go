package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// numaflow.numaproj.io, as Argo CD assesses it (resource_customizations/numaflow.numaproj.io).
func init() {
	register("numaflow.numaproj.io", map[string]Check{
		"InterStepBufferService": numaflowRule{Kind: "InterStepBufferService", ConditionMessage: true, Progressive: true}.check,
		"MonoVertex":             numaflowRule{Kind: "MonoVertex", Progressive: true, Paused: []string{"Paused"}}.check,
		"Pipeline":               numaflowRule{Kind: "Pipeline", Progressive: true, Paused: []string{"Paused", "Pausing"}}.check,
		"Vertex":                 numaflowRule{Kind: "Vertex", ConditionMessage: true, Paused: []string{"Paused"}}.check,
	})
}

// numaflowRule: once status.observedGeneration equals the generation, a
// False condition, phase Failed (status.message) or, with Progressive, a
// failed progressive upgrade (label) is Degraded; a Paused phase Healthy
// ("<Kind> is paused"); Running Healthy; else Progressing. The Degraded
// message of a False condition is the last False one's with
// ConditionMessage, else "Subresources are unhealthy". Follows
// resource_customizations/numaflow.numaproj.io/<Kind>.
type numaflowRule struct {
	Kind             string
	ConditionMessage bool
	Progressive      bool
	Paused           []string
}

func (r numaflowRule) check(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Waiting for " + r.Kind + " status")
	status, ok := lookMap(obj.Object, "status")
	if !ok {
		return waiting, nil
	}
	unhealthy, msg := false, ""
	for _, c := range conditions(obj) {
		if c.Status == "False" {
			unhealthy, msg = true, c.Message
		}
	}
	progressiveFailure := r.Progressive && obj.GetLabels()["numaplane.numaproj.io/progressive-result-state"] == "failed"
	gen, hasGen := lookNum(obj.Object, "metadata", "generation")
	seen, hasSeen := lookNum(status, "observedGeneration")
	if hasGen != hasSeen || gen != seen {
		return waiting, nil
	}
	phase, _ := status["phase"].(string)
	switch {
	case phase == "Failed":
		m, _ := status["message"].(string)
		return degraded(m), nil
	case progressiveFailure:
		return degraded("Failed progressive upgrade"), nil
	case unhealthy && r.ConditionMessage:
		return degraded(msg), nil
	case unhealthy:
		return degraded("Subresources are unhealthy"), nil
	case phase == "Running":
		return healthy(r.Kind + " is healthy"), nil
	}
	for _, p := range r.Paused {
		if phase == p {
			return healthy(r.Kind + " is paused"), nil
		}
	}
	return waiting, nil
}
