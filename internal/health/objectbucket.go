package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// objectbucket.io, as Argo CD assesses it (resource_customizations/objectbucket.io).
func init() {
	register("objectbucket.io", map[string]Check{"ObjectBucketClaim": objectBucketClaimHealth})
}

// objectBucketClaimHealth: status.phase Bound is Healthy, Failed
// Degraded, any other Progressing, each "Object bucket claim phase is
// <phase>". Follows resource_customizations/objectbucket.io/ObjectBucketClaim.
func objectBucketClaimHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return progressing("Waiting for status to be reported"), nil
	}
	phase, ok := lookStr(obj.Object, "status", "phase")
	if !ok {
		return progressing("Waiting for phase to be reported"), nil
	}
	msg := "Object bucket claim phase is " + phase
	switch phase {
	case "Bound":
		return healthy(msg), nil
	case "Failed":
		return degraded(msg), nil
	}
	return progressing(msg), nil
}
