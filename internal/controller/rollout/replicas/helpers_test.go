package replicas

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func i32(n int32) *int32 { return &n }

func num(n int) *intstr.IntOrString { v := intstr.FromInt32(int32(n)); return &v }

func str(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }

// The stable and canary hashes used by the count tests; any two distinct
// strings do, the counts only compare them.
const (
	stableHash = "stable5c9"
	canaryHash = "canary7f4"
)

// canaryRollout is a Rollout in the middle of an update from stableHash to
// canaryHash, at step index, with the given maxSurge and maxUnavailable
// (nil for the defaults).
func canaryRollout(replicas int32, steps []v1alpha1.CanaryStep, index int32, surge, unavailable *intstr.IntOrString) *v1alpha1.Rollout {
	return &v1alpha1.Rollout{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: v1alpha1.RolloutSpec{
			Replicas: &replicas,
			Strategy: v1alpha1.RolloutStrategy{Canary: &v1alpha1.CanaryStrategy{
				Steps: steps, MaxSurge: surge, MaxUnavailable: unavailable,
			}},
		},
		Status: v1alpha1.RolloutStatus{StableRS: stableHash, CurrentPodHash: canaryHash, CurrentStepIndex: &index},
	}
}

// routed makes ro a traffic-routed canary.
func routed(ro *v1alpha1.Rollout) *v1alpha1.Rollout {
	ro.Spec.Strategy.Canary.TrafficRouting = &v1alpha1.RolloutTrafficRouting{}
	return ro
}

func setWeight(w int32) v1alpha1.CanaryStep { return v1alpha1.CanaryStep{SetWeight: &w} }

func pause() v1alpha1.CanaryStep { return v1alpha1.CanaryStep{Pause: &v1alpha1.RolloutPause{}} }

func canaryScale(s v1alpha1.SetCanaryScale) v1alpha1.CanaryStep {
	return v1alpha1.CanaryStep{SetCanaryScale: &s}
}

// epoch is the creation time of the first test ReplicaSet.
var epoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// replicaSet is a ReplicaSet named name, labelled with hash, asking for
// spec pods of which available are available, created age minutes after
// epoch.
func replicaSet(name, hash string, spec, available int32, age int) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: "shop", UID: types.UID("uid-" + name),
			Labels:            map[string]string{v1alpha1.LabelPodTemplateHash: hash},
			CreationTimestamp: metav1.NewTime(epoch.Add(time.Duration(age) * time.Minute)),
		},
		Spec:   appsv1.ReplicaSetSpec{Replicas: &spec},
		Status: appsv1.ReplicaSetStatus{Replicas: spec, AvailableReplicas: available},
	}
}

// withRevision sets rs's revision annotation.
func withRevision(rs *appsv1.ReplicaSet, revision string) *appsv1.ReplicaSet {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[AnnotationRevision] = revision
	return rs
}
