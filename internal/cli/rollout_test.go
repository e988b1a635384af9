package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// testRollout creates a canary Rollout of three steps in ns with the
// given status, as a controller would have left it.
func testRollout(t *testing.T, ns string, status v1alpha1.RolloutStatus) *v1alpha1.Rollout {
	t.Helper()
	ctx := context.Background()
	ro := &v1alpha1.Rollout{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "guestbook"},
		Spec: v1alpha1.RolloutSpec{
			Replicas: ptr.To[int32](4),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "guestbook"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "guestbook"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "guestbook", Image: "argoproj/rollouts-demo:blue"},
					{Name: "sidecar", Image: "busybox:1"},
				}},
			},
			Strategy: v1alpha1.RolloutStrategy{Canary: &v1alpha1.CanaryStrategy{Steps: []v1alpha1.CanaryStep{
				{SetWeight: ptr.To[int32](20)},
				{Pause: &v1alpha1.RolloutPause{}},
				{SetWeight: ptr.To[int32](60)},
			}}},
		},
	}
	if err := env.Client.Create(ctx, ro); err != nil {
		t.Fatal(err)
	}
	ro.Status = status
	if err := env.Client.Status().Update(ctx, ro); err != nil {
		t.Fatal(err)
	}
	return ro
}

// getRollout reads the Rollout back.
func getRollout(t *testing.T, ns string) *v1alpha1.Rollout {
	t.Helper()
	ro := &v1alpha1.Rollout{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "guestbook"}, ro); err != nil {
		t.Fatal(err)
	}
	return ro
}

// pausedAtStep is the status of a canary waiting at its pause step 1.
func pausedAtStep() v1alpha1.RolloutStatus {
	return v1alpha1.RolloutStatus{
		CurrentStepIndex: ptr.To[int32](1),
		PauseConditions:  []v1alpha1.PauseCondition{{Reason: v1alpha1.PauseReasonCanaryPauseStep, StartTime: metav1.Now()}},
		ControllerPause:  true,
		StableRS:         "aaa111",
		CurrentPodHash:   "bbb222",
		Phase:            v1alpha1.RolloutPhasePaused,
		Replicas:         4, ReadyReplicas: 3, AvailableReplicas: 3,
	}
}

func TestRolloutListGet(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, pausedAtStep())
	out := mustRun(t, "", append([]string{"rollout", "list"}, flags...)...)
	for _, want := range []string{"NAME", "SET WEIGHT", "guestbook", "Canary", "Paused", "1/3", "20", "3/4"} {
		if !strings.Contains(out, want) {
			t.Errorf("rollout list: no %q in\n%s", want, out)
		}
	}
	out = mustRun(t, "", append([]string{"rollout", "get", "guestbook"}, flags...)...)
	for _, want := range []string{"-> 1. pause (until promoted)", "aaa111", "bbb222", "CanaryPauseStep"} {
		if !strings.Contains(out, want) {
			t.Errorf("rollout get: no %q in\n%s", want, out)
		}
	}
	if out := mustRun(t, "", append([]string{"rollout", "get", "guestbook", "-o", "json"}, flags...)...); !strings.Contains(out, `"currentStepIndex": 1`) {
		t.Errorf("rollout get -o json:\n%s", out)
	}
	mustFail(t, "unknown output format", append([]string{"rollout", "list", "-o", "xml"}, flags...)...)
	mustFail(t, "not found", append([]string{"rollout", "get", "nope"}, flags...)...)
}

func TestRolloutPauseResume(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, pausedAtStep())
	mustRun(t, "", append([]string{"rollout", "pause", "guestbook"}, flags...)...)
	if ro := getRollout(t, ns); !ro.Spec.Paused || len(ro.Status.PauseConditions) != 1 {
		t.Fatalf("after pause: paused %t, pause conditions %v", ro.Spec.Paused, ro.Status.PauseConditions)
	}
	mustRun(t, "", append([]string{"rollout", "resume", "guestbook"}, flags...)...)
	ro := getRollout(t, ns)
	if ro.Spec.Paused || len(ro.Status.PauseConditions) != 0 || *ro.Status.CurrentStepIndex != 1 {
		t.Errorf("after resume: paused %t, pause conditions %v, step %d", ro.Spec.Paused, ro.Status.PauseConditions, *ro.Status.CurrentStepIndex)
	}
}

func TestRolloutPromote(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, pausedAtStep())
	// At a pause step: the pause conditions go, the step stays (the controller moves on).
	mustRun(t, "", append([]string{"rollout", "promote", "guestbook"}, flags...)...)
	ro := getRollout(t, ns)
	if len(ro.Status.PauseConditions) != 0 || *ro.Status.CurrentStepIndex != 1 || !ro.Status.ControllerPause {
		t.Fatalf("after promote: %+v", ro.Status)
	}
	// Without pause conditions, a canary goes to the next step; spec.paused is cleared.
	mustRun(t, "", append([]string{"rollout", "pause", "guestbook"}, flags...)...)
	mustRun(t, "", append([]string{"rollout", "promote", "guestbook"}, flags...)...)
	if ro = getRollout(t, ns); ro.Spec.Paused || *ro.Status.CurrentStepIndex != 2 {
		t.Fatalf("second promote: paused %t, step %d", ro.Spec.Paused, *ro.Status.CurrentStepIndex)
	}
	mustRun(t, "", append([]string{"rollout", "promote", "guestbook", "--full"}, flags...)...)
	if ro = getRollout(t, ns); !ro.Status.PromoteFull || *ro.Status.CurrentStepIndex != 2 {
		t.Errorf("promote --full: promoteFull %t, step %d", ro.Status.PromoteFull, *ro.Status.CurrentStepIndex)
	}
}

func TestRolloutPromoteInconclusive(t *testing.T) {
	ns, flags := testNamespace(t)
	st := pausedAtStep()
	st.PauseConditions[0].Reason = v1alpha1.PauseReasonInconclusiveAnalysis
	st.Canary.CurrentStepAnalysisRunStatus = &v1alpha1.RolloutAnalysisRunStatus{Name: "a", Status: v1alpha1.AnalysisPhaseInconclusive}
	testRollout(t, ns, st)
	mustRun(t, "", append([]string{"rollout", "promote", "guestbook"}, flags...)...)
	ro := getRollout(t, ns)
	if len(ro.Status.PauseConditions) != 0 || ro.Status.ControllerPause || *ro.Status.CurrentStepIndex != 2 {
		t.Errorf("promote of an inconclusive step: %+v", ro.Status)
	}
}

func TestRolloutAbortRetryRestart(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, pausedAtStep())
	mustRun(t, "", append([]string{"rollout", "abort", "guestbook"}, flags...)...)
	if ro := getRollout(t, ns); !ro.Status.Abort {
		t.Fatal("after abort: status.abort is false")
	}
	mustRun(t, "", append([]string{"rollout", "retry", "guestbook"}, flags...)...)
	if ro := getRollout(t, ns); ro.Status.Abort {
		t.Fatal("after retry: status.abort is true")
	}
	before := time.Now().Add(-time.Second)
	mustRun(t, "", append([]string{"rollout", "restart", "guestbook"}, flags...)...)
	ro := getRollout(t, ns)
	if ro.Spec.RestartAt == nil || ro.Spec.RestartAt.Before(&metav1.Time{Time: before}) || ro.Spec.RestartAt.After(time.Now().Add(time.Second)) {
		t.Errorf("after restart: restartAt %v", ro.Spec.RestartAt)
	}
	mustRun(t, "", append([]string{"rollout", "restart", "guestbook", "--in", "1h"}, flags...)...)
	if ro := getRollout(t, ns); ro.Spec.RestartAt.Time.Sub(time.Now()) < 59*time.Minute {
		t.Errorf("restart --in 1h: restartAt %v", ro.Spec.RestartAt)
	}
}

func TestRolloutSetImage(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, v1alpha1.RolloutStatus{})
	mustRun(t, "", append([]string{"rollout", "set", "image", "guestbook", "guestbook=argoproj/rollouts-demo:yellow"}, flags...)...)
	ro := getRollout(t, ns)
	if c := ro.Spec.Template.Spec.Containers; c[0].Image != "argoproj/rollouts-demo:yellow" || c[1].Image != "busybox:1" {
		t.Fatalf("after set image: %+v", c)
	}
	mustRun(t, "", append([]string{"rollout", "set", "image", "guestbook", "*=x:2"}, flags...)...)
	if c := getRollout(t, ns).Spec.Template.Spec.Containers; c[0].Image != "x:2" || c[1].Image != "x:2" {
		t.Errorf("set image *: %+v", c)
	}
	mustFail(t, "no container named", append([]string{"rollout", "set", "image", "guestbook", "nope=x:1"}, flags...)...)
	mustFail(t, "CONTAINER=IMAGE", append([]string{"rollout", "set", "image", "guestbook", "x:1"}, flags...)...)
}
