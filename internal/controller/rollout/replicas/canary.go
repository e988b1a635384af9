package replicas

import (
	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// CanaryCounts is how many pods the stable and the canary ReplicaSets of
// a basic canary (no traffic routing) should run now, one step of the way
// to their targets (Argo Rollouts' CalculateReplicaCountsForBasicCanary).
// others are the Rollout's remaining ReplicaSets.
//
// The targets split spec.replicas by the current setWeight (see
// approximate); setCanaryScale needs traffic routing and is ignored.
// Without a distinct stable ReplicaSet (first deployment, or stable and
// canary are one) the canary's target is all of spec.replicas.
//
// Scaling up: pods may total spec.replicas+maxSurge, counted on every
// ReplicaSet's spec.replicas. The stable is brought up to its target
// first, then the canary with what is left.
//
// Scaling down waits while any other ReplicaSet has pods (those go first,
// see OtherScaleDown). Then available pods may not drop below
// spec.replicas-maxUnavailable. When the canary grows, the stable is
// brought down (its pods counted whether available or not, so an unhealthy
// stable cannot block the update) and the canary trimmed back within the
// surge, no further than availability allows; when the canary shrinks (an
// abort, a lower weight) the roles swap.
func CanaryCounts(ro *v1alpha1.Rollout, stableRS, canaryRS *appsv1.ReplicaSet, others []*appsv1.ReplicaSet) (stable, canary int32) {
	replicas := Replicas(ro)
	_, weight := canaryTarget(ro, canaryRS, stableRS)
	surge := MaxSurge(ro)
	wantCanary, wantStable := approximate(replicas, weight, MaxTrafficWeight(ro), surge)

	canary = specReplicas(canaryRS)
	hasStable := distinctStable(canaryRS, stableRS)
	if hasStable {
		stable = specReplicas(stableRS)
	} else {
		wantCanary, wantStable = replicas, 0
	}

	ceiling := replicas + surge
	room := ceiling - sumSpec(others) - specReplicas(canaryRS)
	if hasStable {
		room -= specReplicas(stableRS)
	}
	if hasStable && stable < wantStable && room > 0 {
		grown := min(stable+room, wantStable)
		room -= grown - stable
		stable = grown
	}
	if canaryRS != nil && canary < wantCanary && room > 0 {
		canary = min(canary+room, wantCanary)
	}

	if sumSpec(others) > 0 {
		return stable, canary
	}

	minAvailable := replicas - MaxUnavailable(ro)
	growing := canaryRS == nil || wantCanary >= specReplicas(canaryRS)
	countable := downCountable(canaryRS, !growing) + downCountable(stableRS, growing)
	if countable <= minAvailable {
		return stable, canary
	}
	excess := countable - minAvailable
	switch {
	case !growing:
		canary = drain(canaryRS, wantCanary, excess, canary)
		canary, stable = rebalance(canaryRS, stableRS, canary, stable, ceiling, minAvailable)
	case hasStable:
		stable = drain(stableRS, wantStable, excess, stable)
		stable, canary = rebalance(stableRS, canaryRS, stable, canary, ceiling, minAvailable)
	}
	return stable, canary
}

// downCountable is the pods of rs that may be counted as available when
// deciding how far to scale down (Argo Rollouts' GetReplicasForScaleDown):
// its available pods, or its spec.replicas when that is lower (the extra
// pods are going) or when availability is to be ignored (the ReplicaSet
// being drained).
func downCountable(rs *appsv1.ReplicaSet, ignoreAvailability bool) int32 {
	if rs == nil {
		return 0
	}
	n := specReplicas(rs)
	if n < rs.Status.AvailableReplicas || ignoreAvailability {
		return n
	}
	return rs.Status.AvailableReplicas
}

// drain lowers the ReplicaSet being drained by up to excess pods, not below
// its target (Argo Rollouts' calculateScaleDownReplicaCount).
func drain(rs *appsv1.ReplicaSet, want, excess, current int32) int32 {
	if rs != nil && specReplicas(rs) > want {
		return max(want, specReplicas(rs)-excess)
	}
	return current
}

// rebalance keeps both ReplicaSets within the surge ceiling without going
// under minAvailable (Argo Rollouts' adjustReplicaWithinLimits). The other
// ReplicaSet (the one whose availability counts) gives back what exceeds
// the ceiling, then takes back as many of its available pods as
// minAvailable needs; the drained one then gives up what still exceeds.
func rebalance(drained, other *appsv1.ReplicaSet, drainedCount, otherCount, ceiling, minAvailable int32) (int32, int32) {
	if other == nil {
		return drainedCount, otherCount
	}
	available := int32(0)
	if drained != nil {
		available = min(drained.Status.AvailableReplicas, drainedCount)
	}
	otherCount -= max(0, otherCount+drainedCount-ceiling)
	available += min(other.Status.AvailableReplicas, otherCount)
	lostAvailable := max(0, other.Status.AvailableReplicas-otherCount)
	otherCount += min(lostAvailable, max(0, minAvailable-available))
	drainedCount -= max(0, otherCount+drainedCount-ceiling)
	return drainedCount, otherCount
}

// distinctStable reports a stable ReplicaSet other than the canary (Argo
// Rollouts' CheckStableRSExists).
func distinctStable(canaryRS, stableRS *appsv1.ReplicaSet) bool {
	return stableRS != nil && (canaryRS == nil || canaryRS.Name != stableRS.Name)
}

// specReplicas is rs's spec.replicas; 0 for no ReplicaSet, 1 when unset
// (the ReplicaSet default).
func specReplicas(rs *appsv1.ReplicaSet) int32 {
	if rs == nil {
		return 0
	}
	if rs.Spec.Replicas == nil {
		return 1
	}
	return *rs.Spec.Replicas
}

// sumSpec adds up the spec.replicas of rss.
func sumSpec(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		n += specReplicas(rs)
	}
	return n
}

// sumAvailable adds up the available pods of rss.
func sumAvailable(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Status.AvailableReplicas
		}
	}
	return n
}
