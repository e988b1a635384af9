package rollout

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rolloutOf decodes a Rollout written as YAML.
func rolloutOf(t *testing.T, doc string) *v1alpha1.Rollout {
	t.Helper()
	ro := &v1alpha1.Rollout{}
	if err := yaml.UnmarshalStrict([]byte(doc), ro); err != nil {
		t.Fatal(err)
	}
	return ro
}

const canarySpec = `
metadata: {name: web, generation: 2}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {}}]}}
`

func TestPhase(t *testing.T) {
	tests := []struct {
		name      string
		status    string
		paused    bool
		wantPhase v1alpha1.RolloutPhase
		wantMsg   string
	}{
		{"invalid spec first", `{conditions: [{type: InvalidSpec, status: "True", reason: InvalidSpec, message: bad}], pauseConditions: [{reason: CanaryPauseStep}]}`,
			false, v1alpha1.RolloutPhaseDegraded, "InvalidSpec: bad"},
		{"aborted", `{conditions: [{type: Progressing, status: "False", reason: RolloutAborted, message: "Rollout aborted update to revision 2"}]}`,
			false, v1alpha1.RolloutPhaseDegraded, "RolloutAborted: Rollout aborted update to revision 2"},
		{"manual pause", `{}`, true, v1alpha1.RolloutPhasePaused, "manually paused"},
		{"pause step", `{pauseConditions: [{reason: CanaryPauseStep}]}`, false, v1alpha1.RolloutPhasePaused, "CanaryPauseStep"},
		{"updating", `{updatedReplicas: 1, replicas: 4, availableReplicas: 4}`, false, v1alpha1.RolloutPhaseProgressing, "more replicas need to be updated"},
		{"becoming available", `{updatedReplicas: 4, replicas: 4, availableReplicas: 3}`, false, v1alpha1.RolloutPhaseProgressing, "updated replicas are still becoming available"},
		{"old pods left", `{updatedReplicas: 4, replicas: 5, availableReplicas: 5}`, false, v1alpha1.RolloutPhaseProgressing, "old replicas are pending termination"},
		{"steps left", `{updatedReplicas: 4, replicas: 4, availableReplicas: 4, stableRS: a, currentPodHash: b}`, false, v1alpha1.RolloutPhaseProgressing, "waiting for all steps to complete"},
		{"healthy", `{updatedReplicas: 4, replicas: 4, availableReplicas: 4, stableRS: a, currentPodHash: a}`, false, v1alpha1.RolloutPhaseHealthy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ro := rolloutOf(t, canarySpec)
			ro.Spec.Paused = tt.paused
			var s v1alpha1.RolloutStatus
			if err := yaml.Unmarshal([]byte(tt.status), &s); err != nil {
				t.Fatal(err)
			}
			p, m := phase(ro, &s)
			if p != tt.wantPhase || m != tt.wantMsg {
				t.Errorf("phase = %s %q, want %s %q", p, m, tt.wantPhase, tt.wantMsg)
			}
		})
	}
}

func TestPauseApply(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	earlier := metav1.NewTime(now.Add(-time.Minute))
	step := v1alpha1.PauseCondition{Reason: v1alpha1.PauseReasonCanaryPauseStep, StartTime: earlier}
	tests := []struct {
		name      string
		prev      v1alpha1.RolloutStatus
		do        func(*pauseState)
		wantConds []v1alpha1.PauseReason
		wantCtrl  bool
		wantAbort bool
	}{
		{"add sets controllerPause", v1alpha1.RolloutStatus{}, func(p *pauseState) { p.addPause(v1alpha1.PauseReasonCanaryPauseStep) },
			[]v1alpha1.PauseReason{v1alpha1.PauseReasonCanaryPauseStep}, true, false},
		{"existing kept, not re-added", v1alpha1.RolloutStatus{PauseConditions: []v1alpha1.PauseCondition{step}, ControllerPause: true},
			func(p *pauseState) { p.addPause(v1alpha1.PauseReasonCanaryPauseStep) }, []v1alpha1.PauseReason{v1alpha1.PauseReasonCanaryPauseStep}, true, false},
		{"last removed ends controllerPause", v1alpha1.RolloutStatus{PauseConditions: []v1alpha1.PauseCondition{step}, ControllerPause: true},
			func(p *pauseState) { p.removePause(v1alpha1.PauseReasonCanaryPauseStep) }, nil, false, false},
		{"promoted by a user: conditions gone, controllerPause ends", v1alpha1.RolloutStatus{ControllerPause: true},
			func(*pauseState) {}, nil, false, false},
		{"abort drops pauses", v1alpha1.RolloutStatus{PauseConditions: []v1alpha1.PauseCondition{step}, ControllerPause: true},
			func(p *pauseState) { p.addAbort("analysis failed") }, nil, false, true},
		{"abort stays until removed", v1alpha1.RolloutStatus{Abort: true, AbortedAt: &earlier},
			func(*pauseState) {}, nil, false, true},
		{"retry", v1alpha1.RolloutStatus{Abort: true, AbortedAt: &earlier},
			func(p *pauseState) { p.removeAbort() }, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ro := &v1alpha1.Rollout{Status: tt.prev}
			p := &pauseState{ro: ro}
			tt.do(p)
			var s v1alpha1.RolloutStatus
			p.apply(&s, now)
			var got []v1alpha1.PauseReason
			for _, c := range s.PauseConditions {
				got = append(got, c.Reason)
			}
			if len(got) != len(tt.wantConds) || (len(got) > 0 && got[0] != tt.wantConds[0]) || s.ControllerPause != tt.wantCtrl || s.Abort != tt.wantAbort {
				t.Errorf("conditions %v controllerPause %v abort %v, want %v %v %v", got, s.ControllerPause, s.Abort, tt.wantConds, tt.wantCtrl, tt.wantAbort)
			}
			if tt.wantAbort && tt.prev.AbortedAt != nil && !s.AbortedAt.Equal(tt.prev.AbortedAt) {
				t.Errorf("abortedAt %v, want the first abort's %v", s.AbortedAt, tt.prev.AbortedAt)
			}
		})
	}
}

func TestCompletedPauseStep(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	started := metav1.NewTime(now.Add(-10 * time.Second))
	cond := []v1alpha1.PauseCondition{{Reason: v1alpha1.PauseReasonCanaryPauseStep, StartTime: started}}
	five, twenty := intstr.FromInt32(5), intstr.FromString("20s")
	tests := []struct {
		name   string
		status v1alpha1.RolloutStatus
		pause  v1alpha1.RolloutPause
		want   bool
	}{
		{"timed pause over", v1alpha1.RolloutStatus{PauseConditions: cond, ControllerPause: true}, v1alpha1.RolloutPause{Duration: &five}, true},
		{"timed pause running", v1alpha1.RolloutStatus{PauseConditions: cond, ControllerPause: true}, v1alpha1.RolloutPause{Duration: &twenty}, false},
		{"indefinite pause", v1alpha1.RolloutStatus{PauseConditions: cond, ControllerPause: true}, v1alpha1.RolloutPause{}, false},
		{"promoted (condition removed)", v1alpha1.RolloutStatus{ControllerPause: true}, v1alpha1.RolloutPause{}, true},
		{"not paused yet", v1alpha1.RolloutStatus{}, v1alpha1.RolloutPause{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &pauseState{ro: &v1alpha1.Rollout{Status: tt.status}}
			if got := p.completedPauseStep(tt.pause, now); got != tt.want {
				t.Errorf("completedPauseStep = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, strategy, want string
	}{
		{"valid canary", `{canary: {steps: [{setWeight: 20}, {pause: {duration: 1m}}]}}`, ""},
		{"no strategy", `{}`, "Rollout must have exactly one strategy: canary or blueGreen"},
		{"weight above 100", `{canary: {steps: [{setWeight: 120}]}}`, "spec.strategy.canary.steps[0].setWeight: SetWeight needs to be between 0 and 100"},
		{"two actions in a step", `{canary: {steps: [{setWeight: 20, pause: {}}]}}`, "spec.strategy.canary.steps[0]: a step must have exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute or plugin"},
		{"bad duration", `{canary: {steps: [{pause: {duration: soon}}]}}`, `spec.strategy.canary.steps[0].pause.duration: "soon" is not a duration`},
		{"routing without services", `{canary: {trafficRouting: {nginx: {stableIngress: web}}}}`, "Canary service and stable service are required for traffic routing"},
		{"header route without routing", `{canary: {steps: [{setHeaderRoute: {name: beta}}]}}`, "spec.strategy.canary.steps[0]: header and mirror routes need trafficRouting"},
		{"blue-green without active", `{blueGreen: {previewService: p}}`, "Rollout has missing field 'spec.strategy.blueGreen.activeService'"},
		{"blue-green one service twice", `{blueGreen: {activeService: a, previewService: a}}`, "This rollout uses the same service for the active and preview services, but two different services are required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ro := rolloutOf(t, `
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
  strategy: `+tt.strategy)
			if got := validate(ro); got != tt.want {
				t.Errorf("validate = %q, want %q", got, tt.want)
			}
		})
	}
	selectors := map[string]string{
		`spec: {template: {metadata: {labels: {app: web}}}, strategy: {canary: {}}}`:                                      "Rollout has missing field 'spec.selector'",
		`spec: {selector: {}, template: {metadata: {labels: {app: web}}}, strategy: {canary: {}}}`:                        "This rollout is selecting all pods. A non-empty selector is required.",
		`spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: web}}}, strategy: {canary: {}}}`: "`selector` does not match template `labels`",
	}
	for doc, want := range selectors {
		if got := validate(rolloutOf(t, doc)); got != want {
			t.Errorf("validate(%s) = %q, want %q", doc, got, want)
		}
	}
}

func TestFieldOf(t *testing.T) {
	ro := rolloutOf(t, `
metadata: {name: web, namespace: shop, labels: {app: web, team.example.com/owner: pay}}
spec: {replicas: 3}
`)
	tests := map[string]string{
		"metadata.name":                             "web",
		"metadata.labels['app']":                    "web",
		`metadata.labels["team.example.com/owner"]`: "pay",
		"spec.replicas":                             "3",
	}
	for path, want := range tests {
		if got, err := fieldOf(ro, path); err != nil || got != want {
			t.Errorf("fieldOf(%s) = %q, %v, want %q", path, got, err, want)
		}
	}
	if _, err := fieldOf(ro, "metadata.labels['missing']"); err == nil {
		t.Error("fieldOf of a missing label: no error")
	}
}
