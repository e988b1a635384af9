package replicas

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// Each case explains its expected counts from the rules of CanaryCounts:
// the target split (approximate), the surge room (replicas+maxSurge minus
// every ReplicaSet's spec.replicas, stable served first), and the
// scale-down allowance (countable pods minus replicas-maxUnavailable).
func TestCanaryCounts(t *testing.T) {
	cases := []struct {
		name                   string
		ro                     *v1alpha1.Rollout
		stable, canary         *appsv1.ReplicaSet
		others                 []*appsv1.ReplicaSet
		wantStable, wantCanary int32
	}{
		{
			// surge ceil(25%×10)=3, unavailable floor(2.5)=2. Target: 2.5 pods is
			// halfway, so 2 is not a candidate; 3 of 11 (27.3%) beats 3 of 10
			// and 2 of 11 → canary 3, stable 8. Room 13-10=3 → canary 3.
			// Down: countable 0+10 (stable counted whole) - min 8 = 2 → stable 8.
			name:   "10 replicas, weight 25, default surge and unavailable",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(25)}, 0, nil, nil),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 8, wantCanary: 3,
		},
		{
			// Same target (canary 3, ceil); maxUnavailable 0 → min available 10 =
			// countable 10, nothing may go down: stable stays 10, canary 3 surges.
			name:   "10 replicas, weight 25, maxSurge 25%, maxUnavailable 0",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(25)}, 0, str("25%"), num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 10, wantCanary: 3,
		},
		{
			// Target 1 of 10 exactly. Room 11-10=1 → canary 1. Min available 9,
			// countable 10 → 1 may go: stable 9.
			name:   "weight 10, surge 1, unavailable 1",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(10)}, 0, num(1), num(1)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 9, wantCanary: 1,
		},
		{
			// No surge: no room, the canary waits. Min available 5, countable 10 →
			// up to 5 may go, but the stable only drops to its target 7.
			name:   "weight 30, no surge, unavailable 5: stable first",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(30)}, 0, num(0), num(5)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 7, wantCanary: 0,
		},
		{
			// 0.05 of a pod: the canary may not round to 0 (weight between 0 and
			// 100, and a surge is allowed), and 1 of 1 is refused too; 1 of 2
			// (surge) is left. Room 2-1=1. Min available 1 = countable → no down.
			name:   "one replica, weight 5, surge 1: the canary gets a pod",
			ro:     canaryRollout(1, []v1alpha1.CanaryStep{setWeight(5)}, 0, num(1), num(0)),
			stable: replicaSet("s", stableHash, 1, 1, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 1, wantCanary: 1,
		},
		{
			// Both fenceposts resolve to 0, so unavailable becomes 1. One replica,
			// no surge: 0 is allowed; 0.5 is halfway → the larger, canary 1,
			// stable 0. No room for it yet; min available 0 → the stable goes first.
			name:   "one replica, no surge: the old pod goes first",
			ro:     canaryRollout(1, []v1alpha1.CanaryStep{setWeight(50)}, 0, str("0%"), str("0%")),
			stable: replicaSet("s", stableHash, 1, 1, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 0, wantCanary: 0,
		},
		{
			// 4.1 pods: 4 of 10 (40%) is closest → target canary 4, stable 6.
			// Surge ceil(2.5)=3 bounds the canary to 3; unavailable 0 keeps stable.
			name:   "weight 41: the surge bounds the canary",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(41)}, 0, nil, num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 10, wantCanary: 3,
		},
		{
			// Next pass of the case above, the 3 canaries available: no room
			// (13-13). Countable 3+10 - min 10 = 3 → stable 10→7 (target 6).
			name:   "weight 41, canaries up: the stable makes room",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(41)}, 0, nil, num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 3, 3, 1),
			wantStable: 7, wantCanary: 3,
		},
		{
			// At the pause (index 1) the weight is the last setWeight, 20: 1 of 5.
			// Room 6-5=1 → canary 1. Min available 5 = countable → stable 5.
			name:   "paused after setWeight 20",
			ro:     canaryRollout(5, []v1alpha1.CanaryStep{setWeight(20), pause()}, 1, num(1), num(0)),
			stable: replicaSet("s", stableHash, 5, 5, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 5, wantCanary: 1,
		},
		{
			// No stable ReplicaSet: the first deployment skips the steps; the
			// canary's target is all 10 and the room 13.
			name: "first deployment",
			ro: func() *v1alpha1.Rollout {
				ro := canaryRollout(10, []v1alpha1.CanaryStep{setWeight(10)}, 0, nil, nil)
				ro.Status.StableRS = ""
				return ro
			}(),
			canary:     replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 0, wantCanary: 10,
		},
		{
			// Aborted: weight 0 → target canary 0, stable 10. Room 13-10=3 → stable
			// 7→10. The canary shrinks: countable = canary 3 (whole) + stable 7
			// available = 10, min available 8 → 2 may go: canary 3→1.
			name: "abort shrinks the canary as the stable grows",
			ro: func() *v1alpha1.Rollout {
				ro := canaryRollout(10, []v1alpha1.CanaryStep{setWeight(30)}, 0, nil, nil)
				ro.Status.Abort = true
				return ro
			}(),
			stable: replicaSet("s", stableHash, 7, 7, 0), canary: replicaSet("c", canaryHash, 3, 3, 1),
			wantStable: 10, wantCanary: 1,
		},
		{
			// Target 5/5. Room 13 - other 2 - stable 8 = 3 → canary 3. An older
			// ReplicaSet still has pods: nothing else goes down this pass.
			name:   "older ReplicaSets with pods hold the scale-down",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(50)}, 0, nil, nil),
			stable: replicaSet("s", stableHash, 8, 8, 0), canary: replicaSet("c", canaryHash, 0, 0, 2),
			others:     []*appsv1.ReplicaSet{replicaSet("o", "older", 2, 2, 1)},
			wantStable: 8, wantCanary: 3,
		},
		{
			// promoteFull: weight 100 whatever the step → target canary 4, stable
			// 0. Surge ceil(1)=1, no room (5-5). Countable 1+4 - min 3 = 2 →
			// stable 4→2.
			name: "full promotion",
			ro: func() *v1alpha1.Rollout {
				ro := canaryRollout(4, []v1alpha1.CanaryStep{setWeight(25)}, 0, nil, nil)
				ro.Status.PromoteFull = true
				return ro
			}(),
			stable: replicaSet("s", stableHash, 4, 4, 0), canary: replicaSet("c", canaryHash, 1, 1, 1),
			wantStable: 2, wantCanary: 1,
		},
		{
			// A string without "%" is still a percentage in Argo: "5" is 5% of
			// 10 = ceil(0.5) = 1 pod of surge. Target 5/5; room 1 → canary 1.
			name:   `maxSurge "5" means 5%`,
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(50)}, 0, str("5"), num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 10, wantCanary: 1,
		},
		{
			// The number 5 is 5 pods: room 5 → canary 5 (its target).
			name:   "maxSurge 5 means 5 pods",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(50)}, 0, num(5), num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 10, wantCanary: 5,
		},
		{
			// Surge 0, unavailable floor(0.3)=0 → unavailable 1. 1.5 pods is
			// halfway → canary 2, stable 1. No room; min available 2, countable 3
			// → stable 3→2.
			name:   "both fenceposts zero: one pod may be unavailable",
			ro:     canaryRollout(3, []v1alpha1.CanaryStep{setWeight(50)}, 0, num(0), str("10%")),
			stable: replicaSet("s", stableHash, 3, 3, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 2, wantCanary: 0,
		},
		{
			// 0.5 pod is halfway; 0 is refused; 1 of 3 (33%) is closer than 1 of
			// 2 (50%) → canary 1, stable 2. Surge ceil(0.5)=1, room 1.
			name:   "two replicas, weight 25: a surged canary",
			ro:     canaryRollout(2, []v1alpha1.CanaryStep{setWeight(25)}, 0, nil, nil),
			stable: replicaSet("s", stableHash, 2, 2, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 2, wantCanary: 1,
		},
		{
			// setCanaryScale needs traffic routing: ignored here, the weight 20 of
			// 10 is 2 (surge 3). Unavailable 0 keeps the stable.
			name: "setCanaryScale is ignored without traffic routing",
			ro: canaryRollout(10, []v1alpha1.CanaryStep{
				canaryScale(v1alpha1.SetCanaryScale{Replicas: i32(5)}), setWeight(20),
			}, 1, nil, num(0)),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 0, 0, 1),
			wantStable: 10, wantCanary: 2,
		},
		{
			// All steps done (index past the end): weight 100 → canary 10.
			// Stable 10, canary 8 available: room 13-18<0. Countable 8+10 - min 8
			// = 10 → stable 10→0; the canary gives back what exceeds 13: none.
			name:   "steps done: the stable drains",
			ro:     canaryRollout(10, []v1alpha1.CanaryStep{setWeight(50)}, 1, nil, nil),
			stable: replicaSet("s", stableHash, 10, 10, 0), canary: replicaSet("c", canaryHash, 8, 8, 1),
			wantStable: 0, wantCanary: 8,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stable, canary := CanaryCounts(c.ro, c.stable, c.canary, c.others)
			if stable != c.wantStable || canary != c.wantCanary {
				t.Errorf("CanaryCounts = stable %d, canary %d; want stable %d, canary %d", stable, canary, c.wantStable, c.wantCanary)
			}
		})
	}
}

func TestFenceposts(t *testing.T) {
	cases := []struct {
		name                   string
		replicas               int32
		surge, unavailable     *intstr.IntOrString
		wantSurge, wantUnavail int32
		wantErr                bool
	}{
		// Defaults 25%: surge rounds up, unavailable down.
		{name: "defaults, 10 replicas", replicas: 10, wantSurge: 3, wantUnavail: 2},
		// ceil(0.25)=1, floor(0.25)=0: not both zero.
		{name: "defaults, 1 replica", replicas: 1, wantSurge: 1, wantUnavail: 0},
		// Both 0 → unavailable 1.
		{name: "both zero", replicas: 4, surge: num(0), unavailable: num(0), wantSurge: 0, wantUnavail: 1},
		// "50" is 50%: 5 of 10.
		{name: "percent without sign", replicas: 10, surge: str("50"), unavailable: num(0), wantSurge: 5, wantUnavail: 0},
		// An unreadable value is an error and zeroes both, as Argo does.
		{name: "unreadable", replicas: 10, surge: str("lots"), wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ro := canaryRollout(c.replicas, nil, 0, c.surge, c.unavailable)
			surge, unavail, err := Fenceposts(ro)
			if (err != nil) != c.wantErr {
				t.Fatalf("error = %v, want error %v", err, c.wantErr)
			}
			if surge != c.wantSurge || unavail != c.wantUnavail {
				t.Errorf("Fenceposts = %d, %d; want %d, %d", surge, unavail, c.wantSurge, c.wantUnavail)
			}
		})
	}
}
