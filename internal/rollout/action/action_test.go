package action

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestPromote(t *testing.T) {
	steps := []v1alpha1.CanaryStep{{SetWeight: ptr(int32(20))}, {Pause: &v1alpha1.RolloutPause{}}, {SetWeight: ptr(int32(50))}}
	canary := func(step int32, mutate func(*v1alpha1.Rollout)) *v1alpha1.Rollout {
		ro := &v1alpha1.Rollout{}
		ro.Spec.Strategy.Canary = &v1alpha1.CanaryStrategy{Steps: steps}
		ro.Status.CurrentStepIndex = &step
		ro.Status.CurrentPodHash, ro.Status.StableRS = "new", "old"
		if mutate != nil {
			mutate(ro)
		}
		return ro
	}
	tests := []struct {
		name string
		ro   *v1alpha1.Rollout
		full bool
		want Patch
	}{
		{"paused at a pause step: the condition goes", canary(1, func(ro *v1alpha1.Rollout) {
			ro.Status.PauseConditions = []v1alpha1.PauseCondition{{Reason: "CanaryPauseStep"}}
		}), false, Patch{Status: `{"status":{"pauseConditions":null}}`}},
		{"not paused: the next step", canary(0, nil), false, Patch{Status: `{"status":{"pauseConditions":null,"currentStepIndex":1}}`}},
		{"at the end: stays at the end", canary(3, nil), false, Patch{Status: `{"status":{"pauseConditions":null,"currentStepIndex":3}}`}},
		{"spec.paused is cleared too", canary(0, func(ro *v1alpha1.Rollout) { ro.Spec.Paused = true }), false,
			Patch{Spec: `{"spec":{"paused":false}}`, Status: `{"status":{"pauseConditions":null,"currentStepIndex":1}}`}},
		{"full", canary(0, nil), true, Patch{Status: `{"status":{"promoteFull":true}}`}},
		{"full when already stable: nothing", canary(0, func(ro *v1alpha1.Rollout) { ro.Status.StableRS = "new" }), true, Patch{}},
		{"blue-green paused", &v1alpha1.Rollout{Status: v1alpha1.RolloutStatus{PauseConditions: []v1alpha1.PauseCondition{{Reason: "BlueGreenPause"}}}},
			false, Patch{Status: `{"status":{"pauseConditions":null}}`}},
	}
	for _, tt := range tests {
		if got := Promote(tt.ro, tt.full); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
