package replicas

import (
	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// TrafficRoutedCounts is how many pods the stable and canary ReplicaSets
// of a traffic-routed canary should run (Argo Rollouts'
// CalculateReplicaCountsForTrafficRoutedCanary). weights are the weights
// last written to the router (status.canary.weights), nil if none.
//
// The canary runs the pods of a setCanaryScale's replicas, or its weight's
// share of spec.replicas rounded up (the current setWeight, or
// setCanaryScale's weight), never fewer than minPodsPerReplicaSet unless
// that share is 0.
//
// The stable stays at spec.replicas, ready to take all traffic back at
// once, unless dynamicStableScale: it then runs the share of the weight
// that is not the canary's, or of the stable weight the router still
// sends it if that is more. An aborted update under dynamicStableScale
// likewise keeps the canary at the share the router still sends it.
// Both counts then honour minPodsPerReplicaSet.
func TrafficRoutedCounts(ro *v1alpha1.Rollout, stableRS, canaryRS *appsv1.ReplicaSet, weights *v1alpha1.TrafficWeights) (stable, canary int32) {
	replicas, maxWeight := Replicas(ro), MaxTrafficWeight(ro)
	pods, weight := canaryTarget(ro, canaryRS, stableRS)
	if pods != nil {
		canary = *pods
	} else {
		canary = minPods(ro, weightToReplicas(replicas, weight, maxWeight))
	}
	if c := ro.Spec.Strategy.Canary; c == nil || !c.DynamicStableScale {
		return replicas, canary
	}
	stable = weightToReplicas(replicas, maxWeight-weight, maxWeight)
	if weights != nil {
		stable = max(stable, weightToReplicas(replicas, weights.Stable.Weight, maxWeight))
		if ro.Status.Abort {
			canary = max(canary, weightToReplicas(replicas, weights.Canary.Weight, maxWeight))
		}
	}
	return minPods(ro, stable), minPods(ro, canary)
}

// minPods raises a count that is not 0 to minPodsPerReplicaSet, itself
// capped at spec.replicas, on a traffic-routed canary (Argo Rollouts'
// CheckMinPodsPerReplicaSet).
func minPods(ro *v1alpha1.Rollout, count int32) int32 {
	c := ro.Spec.Strategy.Canary
	if count == 0 || c == nil || c.MinPodsPerReplicaSet == nil || c.TrafficRouting == nil {
		return count
	}
	return max(count, min(*c.MinPodsPerReplicaSet, Replicas(ro)))
}
