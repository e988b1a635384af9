package health

import (
	"math"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// sparkoperator.k8s.io, as Argo CD assesses it (resource_customizations/sparkoperator.k8s.io).
func init() {
	register("sparkoperator.k8s.io", map[string]Check{"SparkApplication": sparkApplicationHealth})
}

// sparkStates: status.applicationState.state to health and message; an
// empty message means the state's errorMessage.
var sparkStates = map[string]phaseHealth{
	"":                  {Code: codeProgressing, Message: "SparkApplication was added, enqueuing it for submission"},
	"SUBMITTED":         {Code: codeProgressing, Message: "SparkApplication was submitted successfully"},
	"COMPLETED":         {Code: codeHealthy, Message: "SparkApplication was Completed"},
	"FAILED":            {Code: codeDegraded},
	"SUBMISSION_FAILED": {Code: codeDegraded},
	"FAILING":           {Code: codeDegraded},
	"PENDING_RERUN":     {Code: codeProgressing, Message: "SparkApplication is Pending Rerun"},
	"INVALIDATING":      {Code: codeMissing, Message: "SparkApplication is in InvalidatingState"},
	"SUCCEEDING": {Code: codeProgressing, Message: "The driver pod has been completed successfully. The executor pods terminate and are cleaned up.\n" +
		strings.Repeat(" ", 32) + "Under this circumstances, we assume the executor pod are completed."},
	"UNKNOWN": {Code: codeProgressing, Message: "SparkApplication is in UnknownState because either driver pod or one or all executor pods in unknown state  "},
}

// sparkApplicationHealth: a RUNNING application is Healthy once its
// running executors match spec.executor.instances, or lie in the
// dynamic allocation range (spec.dynamicAllocation, or the streaming or
// plain dynamic allocation of spec.sparkConf), or, with neither
// configured, at least one runs; other states by sparkStates. Follows
// resource_customizations/sparkoperator.k8s.io/SparkApplication.
func sparkApplicationHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Waiting for Executor pods")
	state, ok := lookStr(obj.Object, "status", "applicationState", "state")
	if !ok {
		return waiting, nil
	}
	if state == "RUNNING" {
		if executors, ok := lookMap(obj.Object, "status", "executorState"); ok {
			count := 0.0
			for _, s := range executors {
				if s == "RUNNING" {
					count++
				}
			}
			if sparkExecutorsRunning(obj, count) {
				return healthy("SparkApplication is Running"), nil
			}
		}
		return waiting, nil
	}
	p, ok := sparkStates[state]
	if !ok {
		return waiting, nil
	}
	if p.Code == codeDegraded {
		p.Message, _ = lookStr(obj.Object, "status", "applicationState", "errorMessage")
	}
	return statusOf(p.Code, p.Message), nil
}

func sparkExecutorsRunning(obj *unstructured.Unstructured, count float64) bool {
	spec, _ := lookMap(obj.Object, "spec")
	if n, ok := lookNum(spec, "executor", "instances"); ok && n == count {
		return true
	}
	if lo, hi, ok := sparkExecutorRange(spec); ok {
		return count >= lo && count <= hi
	}
	return spec["dynamicAllocation"] == nil && !lookHas(spec, "executor", "instances") && count >= 1
}

// sparkExecutorRange is the dynamic allocation's executor range, if
// dynamic allocation is on.
func sparkExecutorRange(spec map[string]any) (lo, hi float64, ok bool) {
	lo, hi = 0, math.Inf(1)
	if enabled, _, _ := unstructured.NestedFieldNoCopy(spec, "dynamicAllocation", "enabled"); truthy(enabled) {
		if n, ok := lookNum(spec, "dynamicAllocation", "maxExecutors"); ok {
			hi = n
		}
		if n, ok := lookNum(spec, "dynamicAllocation", "minExecutors"); ok {
			lo = n
		}
		return lo, hi, true
	}
	conf, ok := spec["sparkConf"].(map[string]any)
	if !ok {
		return 0, 0, false
	}
	for _, prefix := range []string{"spark.streaming.dynamicAllocation.", "spark.dynamicAllocation."} {
		if conf[prefix+"enabled"] != "true" {
			continue
		}
		if v, set := conf[prefix+"maxExecutors"]; set && v != nil {
			hi, _ = strconv.ParseFloat(luaString(v), 64)
		}
		if v, set := conf[prefix+"minExecutors"]; set && v != nil {
			n, err := strconv.ParseFloat(luaString(v), 64)
			if err != nil {
				return 0, 0, false
			}
			lo = n
		}
		return lo, hi, true
	}
	return 0, 0, false
}
