package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// renderNow is the clock of the golden views.
var renderNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// The human view of `rollout get` for Rollouts mid-update, built from
// objects in memory, compared with testdata/rollout-get/NAME.txt
// (refreshed with go test -update).
func TestRolloutRender(t *testing.T) {
	tests := []struct {
		name string
		view *rolloutView
	}{
		{"canary", canaryView()},
		{"bluegreen", blueGreenView()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := renderRollout(&out, tt.view, renderNow); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "rollout-get", tt.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(want, out.Bytes()) {
				t.Errorf("view differs from %s:\n%s", golden, out.String())
			}
		})
	}
}

// canaryView is a canary paused at its second step: the stable revision
// 2 with four pods, the canary revision 3 with one, an old revision 1
// scaled down, and the canary's AnalysisRun with measurements.
func canaryView() *rolloutView {
	ro := renderRollout0()
	ro.Spec.Strategy.Canary = &v1alpha1.CanaryStrategy{Steps: []v1alpha1.CanaryStep{
		{SetWeight: ptr.To[int32](20)},
		{Pause: &v1alpha1.RolloutPause{}},
		{SetWeight: ptr.To[int32](60)},
		{Pause: &v1alpha1.RolloutPause{Duration: ptr.To(intstr.FromString("30s"))}},
	}}
	ro.Status = v1alpha1.RolloutStatus{
		CurrentStepIndex: ptr.To[int32](1),
		PauseConditions:  []v1alpha1.PauseCondition{{Reason: v1alpha1.PauseReasonCanaryPauseStep, StartTime: metav1.NewTime(renderNow.Add(-time.Minute))}},
		ControllerPause:  true,
		StableRS:         "6c8f9d7b5",
		CurrentPodHash:   "58f4c9bd7d",
		Phase:            v1alpha1.RolloutPhasePaused,
		Message:          "CanaryPauseStep",
		Replicas:         5, UpdatedReplicas: 1, ReadyReplicas: 5, AvailableReplicas: 5,
		Conditions: []v1alpha1.RolloutCondition{
			{Type: v1alpha1.RolloutConditionPaused, Status: corev1.ConditionTrue, Reason: "RolloutPaused", Message: "Rollout is paused"},
		},
	}
	v := &rolloutView{Rollout: ro}
	addReplicaSet(v, 1, "7d4b8c9f6", "argoproj/rollouts-demo:green", 0, "")
	addReplicaSet(v, 2, "6c8f9d7b5", "argoproj/rollouts-demo:blue", 4, "")
	addReplicaSet(v, 3, "58f4c9bd7d", "argoproj/rollouts-demo:yellow", 1, "")
	v.Runs = []v1alpha1.AnalysisRun{{
		ObjectMeta: renderMeta("guestbook-58f4c9bd7d-3-1", 3),
		Status: v1alpha1.AnalysisRunStatus{Phase: v1alpha1.AnalysisPhaseRunning, MetricResults: []v1alpha1.MetricResult{
			{Name: "success-rate", Phase: v1alpha1.AnalysisPhaseRunning, Count: 2, Successful: 2, Measurements: []v1alpha1.Measurement{
				{Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "0.99"},
				{Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "0.97"},
			}},
			{Name: "latency-p99", Phase: v1alpha1.AnalysisPhaseRunning, Count: 2, Successful: 1, Error: 1, ConsecutiveError: 1, Measurements: []v1alpha1.Measurement{
				{Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "[0.21]"},
				{Phase: v1alpha1.AnalysisPhaseError, Message: "Post \"http://prometheus:9090\": connection refused"},
			}},
		}},
	}}
	return v
}

// blueGreenView is a blue-green update waiting for promotion: revision 3
// in preview, revision 2 active and stable, and revision 1, active
// before 2, waiting out its scale-down delay.
func blueGreenView() *rolloutView {
	ro := renderRollout0()
	ro.Spec.Strategy.BlueGreen = &v1alpha1.BlueGreenStrategy{ActiveService: "guestbook-active", PreviewService: "guestbook-preview"}
	ro.Status = v1alpha1.RolloutStatus{
		PauseConditions: []v1alpha1.PauseCondition{{Reason: v1alpha1.PauseReasonBlueGreenPause, StartTime: metav1.NewTime(renderNow.Add(-time.Minute))}},
		ControllerPause: true,
		StableRS:        "6c8f9d7b5",
		CurrentPodHash:  "58f4c9bd7d",
		BlueGreen:       v1alpha1.BlueGreenStatus{ActiveSelector: "6c8f9d7b5", PreviewSelector: "58f4c9bd7d"},
		Phase:           v1alpha1.RolloutPhasePaused,
		Message:         "BlueGreenPause",
		Replicas:        10, UpdatedReplicas: 4, ReadyReplicas: 9, AvailableReplicas: 9,
	}
	v := &rolloutView{Rollout: ro}
	addReplicaSet(v, 1, "7d4b8c9f6", "argoproj/rollouts-demo:green", 2, renderNow.Add(25*time.Second).Format(time.RFC3339))
	addReplicaSet(v, 2, "6c8f9d7b5", "argoproj/rollouts-demo:blue", 4, "")
	addReplicaSet(v, 3, "58f4c9bd7d", "argoproj/rollouts-demo:yellow", 4, "")
	// One preview pod is not ready yet.
	last := &v.Pods[len(v.Pods)-1]
	last.Status.ContainerStatuses[0].Ready = false
	last.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}
	v.ReplicaSets[2].Status.ReadyReplicas, v.ReplicaSets[2].Status.AvailableReplicas = 3, 3
	v.Runs = []v1alpha1.AnalysisRun{{
		ObjectMeta: renderMeta("guestbook-58f4c9bd7d-3-pre", 3),
		Status: v1alpha1.AnalysisRunStatus{Phase: v1alpha1.AnalysisPhaseSuccessful, MetricResults: []v1alpha1.MetricResult{
			{Name: "smoke", Phase: v1alpha1.AnalysisPhaseSuccessful, Count: 1, Successful: 1, Measurements: []v1alpha1.Measurement{
				{Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "1"},
			}},
		}},
	}}
	return v
}

// renderRollout0 is the Rollout of the golden views, without a strategy.
func renderRollout0() *v1alpha1.Rollout {
	return &v1alpha1.Rollout{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "guestbook", UID: "rollout-uid", Generation: 3},
		Spec: v1alpha1.RolloutSpec{
			Replicas: ptr.To[int32](4),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "guestbook", Image: "argoproj/rollouts-demo:yellow"},
			}}},
		},
	}
}

// renderMeta is the metadata of an object the Rollout owns at revision rev.
func renderMeta(name string, rev int) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Namespace: "shop", Name: name, UID: types.UID(name + "-uid"),
		CreationTimestamp: metav1.NewTime(renderNow.Add(-time.Duration(10-rev) * time.Minute)),
		Annotations:       map[string]string{"rollout.argoproj.io/revision": strconv.Itoa(rev)},
		OwnerReferences:   []metav1.OwnerReference{{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", Name: "guestbook", UID: "rollout-uid", Controller: ptr.To(true)}},
	}
}

// addReplicaSet adds to v the ReplicaSet of revision rev with n ready
// pods running image, with a scale-down deadline when deadline is set.
func addReplicaSet(v *rolloutView, rev int, hash, image string, n int32, deadline string) {
	meta := renderMeta("guestbook-"+hash, rev)
	meta.Labels = map[string]string{"app": "guestbook", v1alpha1.LabelPodTemplateHash: hash}
	if deadline != "" {
		meta.Annotations[v1alpha1.AnnotationScaleDownDeadline] = deadline
	}
	rs := appsv1.ReplicaSet{
		ObjectMeta: meta,
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(n), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "guestbook", Image: image},
		}}}},
		Status: appsv1.ReplicaSetStatus{Replicas: n, ReadyReplicas: n, AvailableReplicas: n},
	}
	v.ReplicaSets = append(v.ReplicaSets, rs)
	for i := range n {
		name := rs.Name + "-" + string(rune('a'+i)) + "x7k2"
		v.Pods = append(v.Pods, corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, OwnerReferences: []metav1.OwnerReference{
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs.Name, UID: rs.UID, Controller: ptr.To(true)},
			}},
			Spec: corev1.PodSpec{Containers: rs.Spec.Template.Spec.Containers},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{Name: "guestbook", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
			}},
		})
	}
}
