package diff

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

const (
	// rolloutsManagedBy is the annotation Argo Rollouts puts on the Services
	// a Rollout points at its ReplicaSets (value: the Rollout's name).
	rolloutsManagedBy = "argo-rollouts.argoproj.io/managed-by-rollouts"
	// rolloutsHashKey is the selector key those Services get.
	rolloutsHashKey = "rollouts-pod-template-hash"
)

// KeepRolloutSelector returns desired with the live Service's
// rollouts-pod-template-hash selector key when a Rollout manages that
// Service (annotation argo-rollouts.argoproj.io/managed-by-rollouts) and
// desired does not set the key; otherwise desired itself. desired is not
// modified.
//
// The Rollout controller adds the key to stable, canary, active and preview
// Services. Argo CD's default diff (three-way, from the last applied
// configuration) ignores a key nobody applied; under server-side apply the
// selector is an atomic map, so the Application would both show it
// OutOfSync and, when synced, take the selector back from the Rollout.
// Keeping the live key gives Argo CD's result with server-side apply.
func KeepRolloutSelector(desired, live *unstructured.Unstructured) *unstructured.Unstructured {
	if live == nil || desired.GetKind() != "Service" || desired.GroupVersionKind().Group != "" {
		return desired
	}
	if _, ok := live.GetAnnotations()[rolloutsManagedBy]; !ok {
		return desired
	}
	hash, found, _ := unstructured.NestedString(live.Object, "spec", "selector", rolloutsHashKey)
	if !found {
		return desired
	}
	if _, set, _ := unstructured.NestedString(desired.Object, "spec", "selector", rolloutsHashKey); set {
		return desired
	}
	out := desired.DeepCopy()
	if err := unstructured.SetNestedField(out.Object, hash, "spec", "selector", rolloutsHashKey); err != nil {
		return desired // a selector that is not a map: the dry run reports it
	}
	return out
}
