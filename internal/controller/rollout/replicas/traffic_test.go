package replicas

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// Each case explains its counts from the rules of TrafficRoutedCounts: the
// canary is its weight's share of spec.replicas rounded up (or a
// setCanaryScale), the stable is spec.replicas unless dynamicStableScale.
func TestTrafficRoutedCounts(t *testing.T) {
	steps := func(s ...v1alpha1.CanaryStep) []v1alpha1.CanaryStep { return s }
	ro := func(replicas int32, s []v1alpha1.CanaryStep, index int32, edit func(*v1alpha1.Rollout)) *v1alpha1.Rollout {
		r := routed(canaryRollout(replicas, s, index, nil, nil))
		if edit != nil {
			edit(r)
		}
		return r
	}
	dynamic := func(r *v1alpha1.Rollout) { r.Spec.Strategy.Canary.DynamicStableScale = true }
	minPodsOf := func(n int32) func(*v1alpha1.Rollout) {
		return func(r *v1alpha1.Rollout) { r.Spec.Strategy.Canary.MinPodsPerReplicaSet = &n }
	}
	cases := []struct {
		name                   string
		ro                     *v1alpha1.Rollout
		stable, canary         *appsv1.ReplicaSet
		weights                *v1alpha1.TrafficWeights
		wantStable, wantCanary int32
	}{
		// ceil(25%×10 = 2.5) = 3; the stable stays whole.
		{name: "weight 25 of 10", ro: ro(10, steps(setWeight(25)), 0, nil), wantStable: 10, wantCanary: 3},
		// ceil(0.5) = 1: any weight above 0 gets a pod.
		{name: "weight 5 of 10", ro: ro(10, steps(setWeight(5)), 0, nil), wantStable: 10, wantCanary: 1},
		// Weight 0 is 0 pods; minPodsPerReplicaSet does not raise 0.
		{name: "weight 0 with minPods", ro: ro(10, steps(setWeight(0)), 0, minPodsOf(2)), wantStable: 10, wantCanary: 0},
		// 1 pod raised to minPodsPerReplicaSet 2.
		{name: "minPods raises the canary", ro: ro(10, steps(setWeight(5)), 0, minPodsOf(2)), wantStable: 10, wantCanary: 2},
		// minPodsPerReplicaSet 20 is capped at spec.replicas 10.
		{name: "minPods capped at replicas", ro: ro(10, steps(setWeight(5)), 0, minPodsOf(20)), wantStable: 10, wantCanary: 10},
		// At index 1 the last setCanaryScale (step 0) still holds: 3 pods,
		// whatever setWeight 10 says, and minPods does not apply to it.
		{
			name:       "setCanaryScale replicas",
			ro:         ro(10, steps(canaryScale(v1alpha1.SetCanaryScale{Replicas: i32(3)}), setWeight(10)), 1, minPodsOf(5)),
			wantStable: 10, wantCanary: 3,
		},
		// setCanaryScale weight 40 of 10 = 4, apart from setWeight 10.
		{
			name:       "setCanaryScale weight",
			ro:         ro(10, steps(setWeight(10), canaryScale(v1alpha1.SetCanaryScale{Weight: i32(40)})), 1, nil),
			wantStable: 10, wantCanary: 4,
		},
		// matchTrafficWeight ends the earlier setCanaryScale: back to setWeight 20 → 2.
		{
			name: "matchTrafficWeight",
			ro: ro(10, steps(canaryScale(v1alpha1.SetCanaryScale{Replicas: i32(3)}), setWeight(20),
				canaryScale(v1alpha1.SetCanaryScale{MatchTrafficWeight: true})), 2, nil),
			wantStable: 10, wantCanary: 2,
		},
		// maxTrafficWeight 1000: 250 is a quarter → ceil(2.5) = 3.
		{
			name: "maxTrafficWeight 1000",
			ro: ro(10, steps(setWeight(250)), 0, func(r *v1alpha1.Rollout) {
				r.Spec.Strategy.Canary.TrafficRouting.MaxTrafficWeight = i32(1000)
			}),
			wantStable: 10, wantCanary: 3,
		},
		// dynamicStableScale: stable is the other 75% → ceil(7.5) = 8.
		{name: "dynamic stable, no weights yet", ro: ro(10, steps(setWeight(25)), 0, dynamic), wantStable: 8, wantCanary: 3},
		// The router still sends the stable 50%: stable max(ceil(2.5)=3, 5) = 5;
		// canary ceil(7.5) = 8.
		{
			name:       "dynamic stable keeps what the router still sends it",
			ro:         ro(10, steps(setWeight(75)), 0, dynamic),
			weights:    &v1alpha1.TrafficWeights{Canary: v1alpha1.WeightDestination{Weight: 50}, Stable: v1alpha1.WeightDestination{Weight: 50}},
			wantStable: 5, wantCanary: 8,
		},
		// Aborted under dynamicStableScale: the canary must hold 10-4 stable
		// available = 6 pods (its 6 available too). Walking back the setWeights:
		// 60 → 6 pods, not fewer than 6; 20 → 2 pods, fewer → weight 20. Canary
		// ceil(2) = 2, raised to the 60% the router still sends it = 6. Stable
		// 80% = 8, above the 40% = 4 it gets.
		{
			name: "abort with dynamic stable steps the weight back",
			ro: ro(10, steps(setWeight(20), pause(), setWeight(60), pause()), 3, func(r *v1alpha1.Rollout) {
				dynamic(r)
				r.Status.Abort = true
			}),
			stable: replicaSet("s", stableHash, 4, 4, 0), canary: replicaSet("c", canaryHash, 6, 6, 1),
			weights:    &v1alpha1.TrafficWeights{Canary: v1alpha1.WeightDestination{Weight: 60}, Stable: v1alpha1.WeightDestination{Weight: 40}},
			wantStable: 8, wantCanary: 6,
		},
		// Aborted, no dynamic scaling: weight 0 → canary 0 (its delay is the
		// controller's business), stable whole.
		{
			name:       "abort",
			ro:         ro(10, steps(setWeight(30)), 0, func(r *v1alpha1.Rollout) { r.Status.Abort = true }),
			wantStable: 10, wantCanary: 0,
		},
		// abortScaleDownDelaySeconds 0 keeps the canary: its setCanaryScale still holds.
		{
			name: "abort keeping the canary",
			ro: ro(10, steps(canaryScale(v1alpha1.SetCanaryScale{Replicas: i32(2)})), 0, func(r *v1alpha1.Rollout) {
				r.Status.Abort = true
				r.Spec.Strategy.Canary.AbortScaleDownDelaySeconds = i32(0)
			}),
			wantStable: 10, wantCanary: 2,
		},
		// With the default delay the setCanaryScale is dropped: weight 0.
		{
			name: "abort dropping setCanaryScale",
			ro: ro(10, steps(canaryScale(v1alpha1.SetCanaryScale{Replicas: i32(2)})), 0, func(r *v1alpha1.Rollout) {
				r.Status.Abort = true
			}),
			wantStable: 10, wantCanary: 0,
		},
		// promoteFull: all the weight → canary 10.
		{
			name:       "full promotion",
			ro:         ro(10, steps(setWeight(10)), 0, func(r *v1alpha1.Rollout) { r.Status.PromoteFull = true }),
			wantStable: 10, wantCanary: 10,
		},
		// The current revision is the stable one: nothing to split.
		{
			name:       "fully promoted",
			ro:         ro(10, steps(setWeight(10)), 0, func(r *v1alpha1.Rollout) { r.Status.CurrentPodHash = stableHash }),
			wantStable: 10, wantCanary: 10,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stable, canary := TrafficRoutedCounts(c.ro, c.stable, c.canary, c.weights)
			if stable != c.wantStable || canary != c.wantCanary {
				t.Errorf("TrafficRoutedCounts = stable %d, canary %d; want stable %d, canary %d", stable, canary, c.wantStable, c.wantCanary)
			}
		})
	}
}

func TestBlueGreenCounts(t *testing.T) {
	const newHash, oldHash = "new6b8", "old4d2"
	ro := func(preview *int32, edit func(*v1alpha1.Rollout)) *v1alpha1.Rollout {
		r := &v1alpha1.Rollout{
			Spec: v1alpha1.RolloutSpec{Replicas: i32(10), Strategy: v1alpha1.RolloutStrategy{
				BlueGreen: &v1alpha1.BlueGreenStrategy{ActiveService: "web", PreviewReplicaCount: preview},
			}},
			Status: v1alpha1.RolloutStatus{StableRS: oldHash, CurrentPodHash: newHash,
				BlueGreen: v1alpha1.BlueGreenStatus{ActiveSelector: oldHash}},
		}
		if edit != nil {
			edit(r)
		}
		return r
	}
	oldRS, newRS := replicaSet("old", oldHash, 10, 10, 0), replicaSet("new", newHash, 2, 2, 1)
	paused := func(r *v1alpha1.Rollout) {
		r.Status.PauseConditions = []v1alpha1.PauseCondition{{Reason: v1alpha1.PauseReasonBlueGreenPause}}
		r.Status.BlueGreen.ScaleUpPreviewCheckPoint = true
	}
	cases := []struct {
		name                    string
		ro                      *v1alpha1.Rollout
		stable, active          *appsv1.ReplicaSet
		wantStable, wantPreview int32
	}{
		// No previewReplicaCount: the new revision runs spec.replicas at once.
		{name: "full-size preview", ro: ro(nil, nil), stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 10},
		// A new update (the new ReplicaSet is not yet currentPodHash) starts small.
		{
			name: "new update", ro: ro(i32(2), func(r *v1alpha1.Rollout) { r.Status.CurrentPodHash = oldHash }),
			stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 2,
		},
		// Paused before promotion: still previewReplicaCount, checkpoint or not.
		{name: "paused", ro: ro(i32(2), paused), stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 2},
		// Resumed after the pause, checkpoint passed: full size before the switch.
		{
			name: "resumed", ro: ro(i32(2), func(r *v1alpha1.Rollout) { r.Status.BlueGreen.ScaleUpPreviewCheckPoint = true }),
			stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 10,
		},
		// Not paused, but the checkpoint not reached yet: previewReplicaCount.
		{name: "before the checkpoint", ro: ro(i32(2), nil), stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 2},
		// The active Service already selects the new revision: full size.
		{name: "promoted", ro: ro(i32(2), nil), stable: oldRS, active: newRS, wantStable: 10, wantPreview: 10},
		// promote --full skips the preview size.
		{
			name: "full promotion", ro: ro(i32(2), func(r *v1alpha1.Rollout) { paused(r); r.Status.PromoteFull = true }),
			stable: oldRS, active: oldRS, wantStable: 10, wantPreview: 10,
		},
		// First deployment: nothing active, no stable.
		{name: "first deployment", ro: ro(i32(2), nil), wantStable: 0, wantPreview: 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stable, preview := BlueGreenCounts(c.ro, c.stable, newRS, c.active)
			if stable != c.wantStable || preview != c.wantPreview {
				t.Errorf("BlueGreenCounts = stable %d, preview %d; want %d, %d", stable, preview, c.wantStable, c.wantPreview)
			}
		})
	}
}
