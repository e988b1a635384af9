package rollout

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// reconcileCanaryServices points the stable Service at the stable
// revision and the canary Service at the new one (Argo's
// reconcileStableAndCanaryService). A basic canary that was aborted sends
// its canary Service back to stable.
func (c *rolloutContext) reconcileCanaryServices(ctx context.Context) error {
	stable, canary := trafficrouting.Services(c.ro)
	if err := c.pointService(ctx, stable, c.stableRS); err != nil {
		return err
	}
	if c.pause.aborted() && c.ro.Spec.Strategy.Canary.TrafficRouting == nil {
		return c.pointService(ctx, canary, c.stableRS)
	}
	return c.pointService(ctx, canary, c.newRS)
}

// pointService sets a Service's rollouts-pod-template-hash selector to
// rs's hash and marks it managed by the Rollout (Argo's ensureSVCTargets).
// The switch waits until rs has an available pod, so the Service never
// selects nothing; a Service the Rollout does not manage yet is only
// taken over once rs is fully available. A missing Service is an error
// naming it.
func (c *rolloutContext) pointService(ctx context.Context, name string, rs *appsv1.ReplicaSet) error {
	if name == "" || rs == nil {
		return nil
	}
	var svc corev1.Service
	if err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ro.Namespace, Name: name}, &svc); err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("service %q not found", name)
		}
		return fmt.Errorf("service %s: %w", name, err)
	}
	want := rs.Labels[v1alpha1.LabelPodTemplateHash]
	if svc.Spec.Selector[v1alpha1.LabelPodTemplateHash] == want && svc.Annotations[v1alpha1.AnnotationManagedByRollouts] == c.ro.Name {
		return nil
	}
	if svc.Spec.Selector[v1alpha1.LabelPodTemplateHash] != want {
		if _, managed := svc.Annotations[v1alpha1.AnnotationManagedByRollouts]; !managed && !fullyAvailable(rs) {
			return nil
		}
		if rs.Status.AvailableReplicas == 0 {
			return nil
		}
	}
	old := svc.Spec.Selector[v1alpha1.LabelPodTemplateHash]
	patch := client.MergeFrom(svc.DeepCopy())
	if svc.Spec.Selector == nil {
		svc.Spec.Selector = map[string]string{}
	}
	svc.Spec.Selector[v1alpha1.LabelPodTemplateHash] = want
	if svc.Annotations == nil {
		svc.Annotations = map[string]string{}
	}
	svc.Annotations[v1alpha1.AnnotationManagedByRollouts] = c.ro.Name
	if err := c.r.Client.Patch(ctx, &svc, patch); err != nil {
		return fmt.Errorf("switch service %s to %s: %w", name, want, err)
	}
	if old != want {
		c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeNormal, "SwitchService", "Switch",
			"Switched selector for service '%s' from '%s' to '%s'", name, old, want)
	}
	return nil
}

// fullyAvailable reports a ReplicaSet asked for pods whose pods are all
// available (Argo's IsReplicaSetAvailable).
func fullyAvailable(rs *appsv1.ReplicaSet) bool {
	return rs != nil && rs.Spec.Replicas != nil && *rs.Spec.Replicas > 0 &&
		rs.Status.AvailableReplicas >= *rs.Spec.Replicas
}
