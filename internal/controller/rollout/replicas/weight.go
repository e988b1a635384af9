package replicas

import (
	"math"

	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// MaxTrafficWeight is the weight that means all traffic:
// trafficRouting.maxTrafficWeight, or 100 (Argo Rollouts'
// weightutil.MaxTrafficWeight). A basic canary always uses 100.
func MaxTrafficWeight(ro *v1alpha1.Rollout) int32 {
	if c := ro.Spec.Strategy.Canary; c != nil && c.TrafficRouting != nil && c.TrafficRouting.MaxTrafficWeight != nil {
		return *c.TrafficRouting.MaxTrafficWeight
	}
	return 100
}

// CurrentStep is the canary step being run and its index (Argo Rollouts'
// GetCurrentCanaryStep). The step is nil when there are no steps, or when
// all of them are done; the index is nil only when there are no steps.
func CurrentStep(ro *v1alpha1.Rollout) (*v1alpha1.CanaryStep, *int32) {
	c := ro.Spec.Strategy.Canary
	if c == nil || len(c.Steps) == 0 {
		return nil, nil
	}
	var index int32
	if ro.Status.CurrentStepIndex != nil {
		index = *ro.Status.CurrentStepIndex
	}
	if int(index) >= len(c.Steps) || index < 0 {
		return nil, &index
	}
	return &c.Steps[index], &index
}

// CurrentSetWeight is the weight the canary steps ask for now (Argo
// Rollouts' GetCurrentSetWeight): 0 once aborted; all of it when there are
// no steps or all are done; else the last setWeight at or before the
// current step, 0 if there is none yet.
func CurrentSetWeight(ro *v1alpha1.Rollout) int32 {
	if ro.Status.Abort {
		return 0
	}
	step, index := CurrentStep(ro)
	if step == nil {
		return MaxTrafficWeight(ro)
	}
	steps := ro.Spec.Strategy.Canary.Steps
	for i := *index; i >= 0; i-- {
		if steps[i].SetWeight != nil {
			return *steps[i].SetWeight
		}
	}
	return 0
}

// CurrentCanaryScale is the setCanaryScale in force (Argo Rollouts'
// UseSetCanaryScale): the last one at or before the current step, unless
// that one says matchTrafficWeight. It needs traffic routing; an aborted
// update drops it unless abortScaleDownDelaySeconds is 0 (keep the canary
// as it is).
func CurrentCanaryScale(ro *v1alpha1.Rollout) *v1alpha1.SetCanaryScale {
	c := ro.Spec.Strategy.Canary
	if c == nil || c.TrafficRouting == nil {
		return nil
	}
	if ro.Status.Abort && !keepsCanaryOnAbort(ro) {
		return nil
	}
	step, index := CurrentStep(ro)
	if step == nil {
		return nil
	}
	for i := *index; i >= 0; i-- {
		scale := c.Steps[i].SetCanaryScale
		if scale == nil {
			continue
		}
		if scale.MatchTrafficWeight {
			return nil
		}
		return scale
	}
	return nil
}

// keepsCanaryOnAbort reports an explicit abortScaleDownDelaySeconds: 0 on
// a traffic-routed canary: the canary stays up after an abort.
func keepsCanaryOnAbort(ro *v1alpha1.Rollout) bool {
	c := ro.Spec.Strategy.Canary
	return c != nil && c.TrafficRouting != nil && c.AbortScaleDownDelaySeconds != nil && *c.AbortScaleDownDelaySeconds == 0
}

// delaysCanaryOnAbort reports an abortScaleDownDelaySeconds set to more
// than 0 on a traffic-routed canary (Argo Rollouts'
// HasExplicitAbortScaleDownDelay).
func delaysCanaryOnAbort(ro *v1alpha1.Rollout) bool {
	c := ro.Spec.Strategy.Canary
	return c != nil && c.TrafficRouting != nil && c.AbortScaleDownDelaySeconds != nil && *c.AbortScaleDownDelaySeconds != 0
}

// canaryTarget is what the canary should be sized to (Argo Rollouts'
// GetCanaryReplicasOrWeight): a number of pods when a setCanaryScale gives
// one, else a weight. With nothing stable to go back to, or a full
// promotion, it is all the weight.
func canaryTarget(ro *v1alpha1.Rollout, canaryRS, stableRS *appsv1.ReplicaSet) (pods *int32, weight int32) {
	st := ro.Status
	if st.PromoteFull || st.StableRS == "" || st.CurrentPodHash == st.StableRS {
		return nil, MaxTrafficWeight(ro)
	}
	if scale := CurrentCanaryScale(ro); scale != nil {
		if scale.Replicas != nil {
			return scale.Replicas, 0
		}
		if scale.Weight != nil {
			return nil, *scale.Weight
		}
	}
	return nil, desiredWeight(ro, canaryRS, stableRS)
}

// desiredWeight is the canary weight wanted now (Argo Rollouts'
// GetDesiredCanaryWeight). It is the current setWeight, except for an
// aborted update under dynamicStableScale: the weight then walks back
// down the setWeight steps, from the last, to the first one whose pods are
// fewer than the canary still needs to hold. The canary holds what the
// stable cannot yet serve, or its available pods if more, unless an
// explicit abort delay keeps it whole anyway; then only the stable counts.
func desiredWeight(ro *v1alpha1.Rollout, canaryRS, stableRS *appsv1.ReplicaSet) int32 {
	c := ro.Spec.Strategy.Canary
	if c == nil || !ro.Status.Abort || !c.DynamicStableScale || canaryRS == nil || stableRS == nil {
		return CurrentSetWeight(ro)
	}
	replicas, maxWeight := Replicas(ro), MaxTrafficWeight(ro)
	held := replicas - stableRS.Status.AvailableReplicas
	if !delaysCanaryOnAbort(ro) {
		held = max(held, canaryRS.Status.AvailableReplicas)
	}
	for i := len(c.Steps) - 1; i >= 0; i-- {
		w := c.Steps[i].SetWeight
		if w != nil && weightToReplicas(replicas, *w, maxWeight) < held {
			return *w
		}
	}
	return 0
}

// weightToReplicas is the pods that carry weight out of maxWeight of
// replicas, rounded up (Argo Rollouts' trafficWeightToReplicas).
func weightToReplicas(replicas, weight, maxWeight int32) int32 {
	return int32(math.Ceil(float64(weight) * float64(replicas) / float64(maxWeight)))
}
