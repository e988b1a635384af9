package rollout

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// restartPods carries out spec.restartAt (Argo's RolloutPodRestarter):
// pods created before it are evicted, as many at a time as maxUnavailable
// allows (at least one) counting pods not ready yet, so their ReplicaSets
// replace them; once none is left, status.restartedAt records the time.
// It reports whether it evicted a pod this pass (counts are then stale,
// so the pass scales nothing).
func (c *rolloutContext) restartPods(ctx context.Context) (bool, error) {
	at := c.ro.Spec.RestartAt
	if at == nil || (c.ro.Status.RestartedAt != nil && !c.ro.Status.RestartedAt.Before(at)) {
		return false, nil
	}
	if c.now.Before(at.Time) {
		c.waitUntil(at.Time)
		return false, nil
	}
	var pods corev1.PodList
	if err := c.r.APIReader.List(ctx, &pods, client.InNamespace(c.ro.Namespace),
		client.MatchingLabelsSelector{Selector: selectorOf(c.ro)}); err != nil {
		return false, fmt.Errorf("list pods to restart: %w", err)
	}
	owned := map[string]bool{}
	for _, rs := range c.allRSs {
		owned[string(rs.UID)] = true
	}
	var old []*corev1.Pod
	notReady := int32(0)
	for i := range pods.Items {
		p := &pods.Items[i]
		ref := metav1.GetControllerOf(p)
		if ref == nil || !owned[string(ref.UID)] || p.DeletionTimestamp != nil {
			continue
		}
		if !podReady(p) {
			notReady++
		}
		if p.CreationTimestamp.Before(at) {
			old = append(old, p)
		}
	}
	if len(old) == 0 {
		t := *at
		c.status.RestartedAt = &t
		c.event(corev1.EventTypeNormal, "RolloutRestarted", "Rollout restarted all pods created before "+at.UTC().Format("2006-01-02T15:04:05Z"))
		return false, nil
	}
	budget := max(replicas.MaxUnavailable(c.ro), 1) - notReady
	evicted := false
	for _, p := range old {
		if budget <= 0 {
			break
		}
		ev := &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}}
		if err := c.r.Client.SubResource("eviction").Create(ctx, p, ev); err != nil {
			if apierrors.IsTooManyRequests(err) || apierrors.IsNotFound(err) {
				continue // a PodDisruptionBudget says wait, or it is gone
			}
			return evicted, fmt.Errorf("evict pod %s: %w", p.Name, err)
		}
		c.event(corev1.EventTypeNormal, "RestartingPod", "Restarting pod "+p.Name)
		budget--
		evicted = true
	}
	return evicted, nil
}

// podReady reports a pod's Ready condition True.
func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// reconcileEphemeralMetadata gives the pods of the new revision the
// canary (preview) metadata and those of the stable revision the stable
// (active) metadata, on the ReplicaSet's template and on its running
// pods, recording what was added in the ephemeral-metadata annotation
// (Argo's reconcileEphemeralMetadata). A promoted revision trades its
// canary metadata for the stable one without restarting a pod.
func (c *rolloutContext) reconcileEphemeralMetadata(ctx context.Context) error {
	if c.newRS == nil {
		return nil
	}
	if hashOf(c.newRS) == hashOf(c.stableRS) || c.fullyPromoted() && c.ro.Status.StableRS == hashOf(c.newRS) {
		return c.setEphemeralMetadata(ctx, c.newRS, c.stableMetadata())
	}
	if err := c.setEphemeralMetadata(ctx, c.newRS, c.canaryMetadata()); err != nil {
		return err
	}
	if c.stableRS != nil {
		return c.setEphemeralMetadata(ctx, c.stableRS, c.stableMetadata())
	}
	return nil
}
