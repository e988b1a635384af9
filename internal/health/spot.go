package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// spot.io, as Argo CD assesses it (resource_customizations/spot.io).
func init() {
	register("spot.io", map[string]Check{"SpotDeployment": spotDeploymentHealth})
}

// spotDeploymentConditions: the first condition that is InvalidSpec, an
// aborted or timed-out rollout (Degraded) or Paused True (Suspended).
var spotDeploymentConditions = condScan{Cases: []condCase{
	{Type: "InvalidSpec", Code: codeDegraded},
	{Type: "Progressing", Reason: "RolloutAborted", Code: codeDegraded},
	{Type: "Progressing", Reason: "ProgressDeadlineExceeded", Code: codeDegraded},
	{Type: "Paused", Status: "True", Code: codeSuspended, Msg: say("Rollout is paused")},
}}

// spotDeploymentHealth: without conditions Argo CD's script returns no
// status, which Argo CD reports as Unknown; else spotDeploymentConditions,
// then phase Progressing, else Healthy. Follows
// resource_customizations/spot.io/SpotDeployment.
func spotDeploymentHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookList(obj.Object, "status", "conditions"); !ok {
		return statusOf(codeUnknown, "Lua returned an invalid health status"), nil
	}
	if st := spotDeploymentConditions.over(conditions(obj)); st.Code != codeProgressing {
		return st, nil
	}
	if phase, _ := lookStr(obj.Object, "status", "phase"); phase == "Progressing" {
		return progressing("Waiting for rollout to finish steps"), nil
	}
	return healthy(""), nil
}
