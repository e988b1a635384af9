package health

import (
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// serving.kserve.io, as Argo CD assesses it
// (resource_customizations/serving.kserve.io).
func init() {
	register("serving.kserve.io", map[string]Check{
		"InferenceService": inferenceServiceHealth,
	})
}

// inferenceServiceHealth: a Stopped condition that is True suspends the
// service; otherwise every condition but Stopped must be True and the
// model's transitionStatus UpToDate for Healthy. A transitionStatus other
// than UpToDate or InProgress is Degraded; anything else not ready is
// Progressing. The message lists what is not ready, numbered as Argo CD
// numbers them (0 the transition status, then each condition from 1).
func inferenceServiceHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"]; !ok {
		return progressing("Waiting for InferenceService to report status..."), nil
	}
	var msg string
	notReady, bad := false, false
	if _, ok, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "modelStatus"); ok {
		ts, _, _ := unstructured.NestedString(obj.Object, "status", "modelStatus", "transitionStatus")
		if ts != "UpToDate" {
			if ts == "InProgress" {
				notReady = true
			} else {
				bad = true
			}
			msg += "0: transitionStatus | " + ts
		}
	}
	if _, ok, _ := unstructured.NestedSlice(obj.Object, "status", "conditions"); !ok {
		return progressing("Waiting for InferenceService to report status..."), nil
	}
	conds := conditions(obj)
	for _, c := range conds {
		if c.Type == "Stopped" && c.Status == "True" {
			return suspended("InferenceService is Stopped"), nil
		}
	}
	for i, c := range conds {
		if c.Status == "True" || c.Type == "Stopped" {
			continue
		}
		if c.Status == "Unknown" || c.Status == "False" {
			notReady = true
		}
		msg += " | " + strconv.Itoa(i+1) + ": " + c.Type + " | " + c.Status
		if c.Reason != "" {
			msg += " | " + c.Reason
		}
		if c.Message != "" {
			msg += " | " + c.Message
		}
	}
	switch {
	case bad:
		return degraded(msg), nil
	case notReady:
		return progressing(msg), nil
	}
	return healthy("InferenceService is healthy."), nil
}
