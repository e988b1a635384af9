package hash

import (
	"encoding/json"
	"fmt"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// StepHash is the hash of a canary's steps, status.currentStepHash: FNV-32a
// over the JSON of spec.strategy.canary.steps, safe-encoded as the pod
// template hash is, as Argo Rollouts' ComputeStepHash. A Rollout whose
// steps change starts its steps again. Blue-green Rollouts have none ("").
func StepHash(ro *v1alpha1.Rollout) (string, error) {
	if ro.Spec.Strategy.BlueGreen != nil || ro.Spec.Strategy.Canary == nil {
		return "", nil
	}
	raw, err := json.Marshal(ro.Spec.Strategy.Canary.Steps)
	if err != nil {
		return "", fmt.Errorf("canary steps: %w", err)
	}
	return sum(raw, nil), nil
}
