package replicas

import (
	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// BlueGreenCounts is how many pods the stable (last promoted) and the
// new ReplicaSets of a blue-green Rollout should run (Argo Rollouts'
// NewRSNewReplicas for blue-green and reconcileBlueGreenStableReplicaSet).
// activeRS is the ReplicaSet the active Service selects
// (status.blueGreen.activeSelector, see ByHash), nil if none.
//
// The stable always runs spec.replicas. The new ReplicaSet runs
// spec.replicas, except with a previewReplicaCount before promotion: it
// then runs previewReplicaCount while the active Service selects another
// ReplicaSet, unless a full promotion was asked for, or the update was
// resumed after its pause (not paused, scaleUpPreviewCheckPoint set) and
// only the switch is left. A new ReplicaSet that is not yet
// status.currentPodHash is a new update and starts at previewReplicaCount.
func BlueGreenCounts(ro *v1alpha1.Rollout, stableRS, newRS, activeRS *appsv1.ReplicaSet) (stable, preview int32) {
	replicas := Replicas(ro)
	if stableRS != nil {
		stable = replicas
	}
	if newRS == nil {
		return stable, 0
	}
	return stable, previewCount(ro, newRS, activeRS)
}

// previewCount is the size of the new ReplicaSet of a blue-green Rollout.
func previewCount(ro *v1alpha1.Rollout, newRS, activeRS *appsv1.ReplicaSet) int32 {
	replicas := Replicas(ro)
	bg := ro.Spec.Strategy.BlueGreen
	if bg == nil || bg.PreviewReplicaCount == nil {
		return replicas
	}
	if activeRS == nil || activeRS.Name == newRS.Name || ro.Status.PromoteFull {
		return replicas
	}
	if newRS.Labels[v1alpha1.LabelPodTemplateHash] != ro.Status.CurrentPodHash {
		return *bg.PreviewReplicaCount
	}
	paused := ro.Spec.Paused || len(ro.Status.PauseConditions) > 0
	if !paused && ro.Status.BlueGreen.ScaleUpPreviewCheckPoint {
		return replicas
	}
	return *bg.PreviewReplicaCount
}
