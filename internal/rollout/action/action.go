// Package action computes the changes of the Rollout actions users take:
// pause, resume, promote (a step or in full), abort, retry and restart,
// as the patches the Argo Rollouts kubectl plugin sends (a JSON merge
// patch of the spec and one of the status subresource). The CLI's
// `tiphys rollout` verbs and the API server apply the same patches.
package action

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Patch is one action's change: a JSON merge patch of the spec and one of
// the status subresource; either may be empty.
type Patch struct {
	Spec, Status string
}

// Apply sends the patches to ro, the status first, as the plugin does.
func (p Patch) Apply(ctx context.Context, c client.Client, ro *v1alpha1.Rollout) error {
	if p.Status != "" {
		if err := c.Status().Patch(ctx, ro, client.RawPatch(types.MergePatchType, []byte(p.Status))); err != nil {
			return fmt.Errorf("patch the status of rollout %s/%s: %w", ro.Namespace, ro.Name, err)
		}
	}
	if p.Spec != "" {
		if err := c.Patch(ctx, ro, client.RawPatch(types.MergePatchType, []byte(p.Spec))); err != nil {
			return fmt.Errorf("patch rollout %s/%s: %w", ro.Namespace, ro.Name, err)
		}
	}
	return nil
}

// Pause sets spec.paused (`kubectl argo rollouts pause`).
func Pause() Patch { return Patch{Spec: `{"spec":{"paused":true}}`} }

// Resume clears spec.paused and the pause conditions without moving to
// the next step (the plugin's resume before promote replaced it).
func Resume(ro *v1alpha1.Rollout) Patch {
	var p Patch
	if ro.Spec.Paused {
		p.Spec = `{"spec":{"paused":false}}`
	}
	if len(ro.Status.PauseConditions) > 0 {
		p.Status = `{"status":{"pauseConditions":null}}`
	}
	return p
}

// Promote is the plugin's promotion: without full, unpause and clear the
// pause conditions, or, for a canary that no condition pauses, go to the
// next step (past an inconclusive analysis too); with full, skip every
// remaining step (status.promoteFull).
func Promote(ro *v1alpha1.Rollout, full bool) Patch {
	var p Patch
	if ro.Spec.Paused {
		p.Spec = `{"spec":{"paused":false}}`
	}
	if full {
		if ro.Status.CurrentPodHash != ro.Status.StableRS {
			p.Status = `{"status":{"promoteFull":true}}`
		}
		return p
	}
	next, hasSteps := nextStepIndex(ro)
	switch {
	case inconclusiveStep(ro) && len(ro.Status.PauseConditions) > 0 && ro.Status.ControllerPause:
		if hasSteps {
			p.Status = fmt.Sprintf(`{"status":{"pauseConditions":null,"controllerPause":false,"currentStepIndex":%d}}`, next)
		}
	case len(ro.Status.PauseConditions) > 0:
		p.Status = `{"status":{"pauseConditions":null}}`
	case hasSteps:
		p.Status = fmt.Sprintf(`{"status":{"pauseConditions":null,"currentStepIndex":%d}}`, next)
	}
	return p
}

// Abort sets status.abort: the controller returns traffic and replicas to
// the stable ReplicaSet (`kubectl argo rollouts abort`).
func Abort() Patch { return Patch{Status: `{"status":{"abort":true}}`} }

// Retry clears status.abort: an aborted update starts again from its first
// step (`kubectl argo rollouts retry rollout`).
func Retry() Patch { return Patch{Status: `{"status":{"abort":false}}`} }

// Restart sets spec.restartAt to at: the controller replaces the pods
// created before it (`kubectl argo rollouts restart`).
func Restart(at time.Time) Patch {
	return Patch{Spec: fmt.Sprintf(`{"spec":{"restartAt":%q}}`, at.UTC().Format(time.RFC3339))}
}

// nextStepIndex is the index after a canary's current step, never past
// the end; false for a Rollout without canary steps.
func nextStepIndex(ro *v1alpha1.Rollout) (int32, bool) {
	c := ro.Spec.Strategy.Canary
	if c == nil || len(c.Steps) == 0 {
		return 0, false
	}
	i := int32(0)
	if ro.Status.CurrentStepIndex != nil {
		i = *ro.Status.CurrentStepIndex
	}
	if i < int32(len(c.Steps)) {
		i++
	}
	return i, true
}

// inconclusiveStep says whether a canary's step analysis ended inconclusive.
func inconclusiveStep(ro *v1alpha1.Rollout) bool {
	a := ro.Status.Canary.CurrentStepAnalysisRunStatus
	return ro.Spec.Strategy.Canary != nil && a != nil && a.Status == v1alpha1.AnalysisPhaseInconclusive
}
