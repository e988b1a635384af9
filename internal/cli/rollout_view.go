package cli

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rolloutView is everything `rollout get` shows: the Rollout and the
// objects it owns, read at one moment. Rendering it is a pure function
// (renderRollout), so the view can be built in memory in tests.
type rolloutView struct {
	Rollout     *v1alpha1.Rollout
	ReplicaSets []appsv1.ReplicaSet    // owned by the Rollout
	Pods        []corev1.Pod           // owned by those ReplicaSets
	Runs        []v1alpha1.AnalysisRun // owned by the Rollout
	Experiments []v1alpha1.Experiment  // owned by the Rollout
}

// loadRolloutView reads the Rollout name in ns and lists, in the same
// namespace, the ReplicaSets, AnalysisRuns and Experiments with an owner
// reference to the Rollout's UID, and the pods those ReplicaSets control.
func loadRolloutView(ctx context.Context, c client.Reader, ns, name string) (*rolloutView, error) {
	ro := &v1alpha1.Rollout{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ro); err != nil {
		return nil, fmt.Errorf("rollout %s/%s: %w", ns, name, err)
	}
	v := &rolloutView{Rollout: ro}

	rss := &appsv1.ReplicaSetList{}
	if err := c.List(ctx, rss, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("list replicasets of rollout %s/%s: %w", ns, name, err)
	}
	owned := map[types.UID]bool{}
	for _, rs := range rss.Items {
		if ownedByUID(rs.ObjectMeta, ro.UID) {
			v.ReplicaSets = append(v.ReplicaSets, rs)
			owned[rs.UID] = true
		}
	}
	if len(owned) > 0 {
		pods := &corev1.PodList{}
		if err := c.List(ctx, pods, client.InNamespace(ns)); err != nil {
			return nil, fmt.Errorf("list pods of rollout %s/%s: %w", ns, name, err)
		}
		for _, p := range pods.Items {
			if ref := metav1.GetControllerOf(&p); ref != nil && owned[ref.UID] {
				v.Pods = append(v.Pods, p)
			}
		}
	}

	runs := &v1alpha1.AnalysisRunList{}
	if err := c.List(ctx, runs, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("list analysisruns of rollout %s/%s: %w", ns, name, err)
	}
	for _, r := range runs.Items {
		if ownedByUID(r.ObjectMeta, ro.UID) {
			v.Runs = append(v.Runs, r)
		}
	}

	exps := &v1alpha1.ExperimentList{}
	if err := c.List(ctx, exps, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("list experiments of rollout %s/%s: %w", ns, name, err)
	}
	for _, e := range exps.Items {
		if ownedByUID(e.ObjectMeta, ro.UID) {
			v.Experiments = append(v.Experiments, e)
		}
	}
	return v, nil
}

// ownedByUID says whether meta has an owner reference to uid. Any owner
// reference counts, not only the controller one, as Argo Rollouts'
// plugin does.
func ownedByUID(meta metav1.ObjectMeta, uid types.UID) bool {
	for _, ref := range meta.OwnerReferences {
		if ref.UID == uid {
			return true
		}
	}
	return false
}
