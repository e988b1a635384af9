package rollout

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// reconcileWorkloadScaleDown scales the Deployment of spec.workloadRef as
// workloadRef.scaleDown asks (Argo's scaleDeployment): "onsuccess" to 0
// once the Rollout's first revision is Healthy, "progressively" down by
// the Rollout's available pods as they come up; "never" (the default)
// leaves it alone. s is the status this pass writes.
func (c *rolloutContext) reconcileWorkloadScaleDown(ctx context.Context, s *v1alpha1.RolloutStatus) error {
	d, ref := c.workload, c.ro.Spec.WorkloadRef
	if d == nil || ref == nil {
		return nil
	}
	var want int32
	switch ref.ScaleDown {
	case v1alpha1.ScaleDownOnSuccess:
		if s.Phase != v1alpha1.RolloutPhaseHealthy {
			return nil
		}
	case v1alpha1.ScaleDownProgressively:
		want = max(replicas.Replicas(c.ro)-s.AvailableReplicas, 0)
	default:
		return nil
	}
	if d.Spec.Replicas != nil && *d.Spec.Replicas <= want {
		return nil
	}
	patch := client.MergeFrom(d.DeepCopy())
	d.Spec.Replicas = &want
	if err := c.r.Client.Patch(ctx, d, patch); err != nil {
		return fmt.Errorf("scale down workloadRef deployment %s to %d: %w", d.Name, want, err)
	}
	return nil
}
