package health

import (
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// number reads a field as Lua's tonumber would: a JSON number, or a string
// that holds one.
func number(obj map[string]any, fields ...string) (float64, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(obj, fields...)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// rolloutHealth is Argo CD's assessment of an Argo Rollouts Rollout: the
// spec (and referenced workload) generation must be observed; from v1.0 the
// controller's status.phase and message are taken as they are (Paused as
// Suspended); older rollouts are judged from conditions, pause, replicas
// and the blue-green or canary progress.
func rolloutHealth(obj *unstructured.Unstructured) (*Status, error) {
	o := obj.Object
	status, hasStatus := o["status"].(map[string]any)
	if !hasStatus || !rolloutObserved(o) {
		return progressing("Waiting for rollout spec update to be observed"), nil
	}
	if phase, ok := status["phase"].(string); ok {
		msg, _ := status["message"].(string)
		code := v1alpha1.HealthStatusCode(phase)
		if phase == "Paused" {
			code = v1alpha1.HealthStatusSuspended
		}
		if _, known := order[code]; !known {
			return &Status{Code: v1alpha1.HealthStatusUnknown, Message: "Lua returned an invalid health status"}, nil
		}
		return &Status{Code: code, Message: msg}, nil
	}
	for _, c := range conditions(obj) {
		if c.Type == "InvalidSpec" || c.Type == "Progressing" && (c.Reason == "RolloutAborted" || c.Reason == "ProgressDeadlineExceeded") {
			return degraded(c.Message), nil
		}
	}
	pauses, _ := nestedList(o, "status", "pauseConditions")
	if paused, _, _ := unstructured.NestedBool(o, "spec", "paused"); len(pauses) > 0 || paused {
		return suspended("Rollout is paused"), nil
	}
	hash, ok := status["currentPodHash"].(string)
	if !ok {
		return progressing("Waiting for rollout to finish: status has not been reconciled."), nil
	}
	desired, ok := number(o, "spec", "replicas")
	if !ok {
		desired = 1
	}
	replicas, _ := number(o, "status", "replicas")
	updated, _ := number(o, "status", "updatedReplicas")
	available, _ := number(o, "status", "availableReplicas")
	switch {
	case updated < desired:
		return progressing("Waiting for roll out to finish: More replicas need to be updated"), nil
	case available < updated:
		return progressing("Waiting for roll out to finish: updated replicas are still becoming available"), nil
	}
	stable, ok := status["stableRS"].(string)
	if !ok {
		stable, _, _ = unstructured.NestedString(o, "status", "canary", "stableRS")
	}
	if _, bg, _ := unstructured.NestedFieldNoCopy(o, "spec", "strategy", "blueGreen"); bg {
		if active, ok, _ := unstructured.NestedString(o, "status", "blueGreen", "activeSelector"); !ok || active != hash {
			return progressing("active service cutover pending"), nil
		}
		if stable != "" && stable != hash {
			return progressing("waiting for analysis to complete"), nil
		}
	} else if _, canary, _ := unstructured.NestedFieldNoCopy(o, "spec", "strategy", "canary"); canary {
		if replicas > updated {
			return progressing("Waiting for roll out to finish: old replicas are pending termination"), nil
		}
		if stable == "" || stable != hash {
			return progressing("Waiting for rollout to finish steps"), nil
		}
	}
	return healthy(""), nil
}

// rolloutObserved: the controller has seen the current spec (a
// non-numeric or newer observedGeneration is a v0.9 rollout's, taken as
// seen) and, with a workloadRef, the referenced workload's generation.
func rolloutObserved(o map[string]any) bool {
	gen, _ := number(o, "metadata", "generation")
	if seen, ok := number(o, "status", "observedGeneration"); ok && seen <= gen && seen != gen {
		return false
	}
	if _, ref, _ := unstructured.NestedFieldNoCopy(o, "spec", "workloadRef"); !ref {
		return true
	}
	ann, ok, _ := unstructured.NestedStringMap(o, "metadata", "annotations")
	if !ok {
		return true
	}
	want, wantOK := strconv.ParseFloat(ann["rollout.argoproj.io/workload-generation"], 64)
	seen, seenOK := number(o, "status", "workloadObservedGeneration")
	return (wantOK == nil) == seenOK && (!seenOK || want == seen)
}
