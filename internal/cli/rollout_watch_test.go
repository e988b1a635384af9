package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// ownRevision creates, as the Rollout's controller would, the
// ReplicaSet of revision rev with one pod (the plane's controller
// manager and kwok make and run it).
func ownRevision(t *testing.T, ro *v1alpha1.Rollout, rev, hash string) {
	t.Helper()
	labels := map[string]string{"app": "guestbook", v1alpha1.LabelPodTemplateHash: hash}
	tmpl := *ro.Spec.Template.DeepCopy()
	tmpl.Labels = labels
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ro.Namespace, Name: ro.Name + "-" + hash, Labels: labels,
			Annotations:     map[string]string{"rollout.argoproj.io/revision": rev},
			OwnerReferences: []metav1.OwnerReference{rolloutOwner(ro)},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl},
	}
	if err := env.Client.Create(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
}

func rolloutOwner(ro *v1alpha1.Rollout) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", Name: ro.Name, UID: ro.UID, Controller: ptr.To(true)}
}

// ownAnalysisRun creates an AnalysisRun of the Rollout at revision rev
// with two measurements of its one metric.
func ownAnalysisRun(t *testing.T, ro *v1alpha1.Rollout, rev, name string) {
	t.Helper()
	ctx := context.Background()
	run := &v1alpha1.AnalysisRun{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ro.Namespace, Name: name,
			Annotations:     map[string]string{"rollout.argoproj.io/revision": rev},
			OwnerReferences: []metav1.OwnerReference{rolloutOwner(ro)},
		},
		Spec: v1alpha1.AnalysisRunSpec{Metrics: []v1alpha1.Metric{{Name: "success-rate"}}},
	}
	if err := env.Client.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Status = v1alpha1.AnalysisRunStatus{Phase: v1alpha1.AnalysisPhaseRunning, MetricResults: []v1alpha1.MetricResult{{
		Name: "success-rate", Phase: v1alpha1.AnalysisPhaseRunning, Count: 2, Successful: 2,
		Measurements: []v1alpha1.Measurement{{Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "0.99"}, {Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "0.98"}},
	}}}
	if err := env.Client.Status().Update(ctx, run); err != nil {
		t.Fatal(err)
	}
}

// Given a canary mid-update with a stable and a canary ReplicaSet and an
// AnalysisRun, when `rollout get --watch --timeout 2s` runs,
// then it ends with exit 0, each view under a timestamp header (stdout is
// not a terminal) and showing the revisions, newest first, with their
// markers and the run's measurements.
func TestRolloutGetWatch(t *testing.T) {
	ns, flags := testNamespace(t)
	ro := testRollout(t, ns, pausedAtStep())
	ownRevision(t, ro, "1", "aaa111")
	ownRevision(t, ro, "2", "bbb222")
	ownAnalysisRun(t, ro, "2", "guestbook-bbb222-2-1")

	out := mustRun(t, "", append([]string{"rollout", "get", "guestbook", "--watch", "--timeout", "2s"}, flags...)...)
	t.Logf("rollout get --watch:\n%s", out)
	if !strings.HasPrefix(out, "== ") || strings.Contains(out, clearScreen) {
		t.Errorf("want views under timestamp headers, no screen clearing:\n%s", out)
	}
	last := out[strings.LastIndex(out, "== "):]
	canary, stable := strings.Index(last, "guestbook-bbb222 "), strings.Index(last, "guestbook-aaa111 ")
	if canary < 0 || stable < 0 || canary > stable {
		t.Fatalf("want the canary ReplicaSet, then the stable one:\n%s", last)
	}
	for _, want := range []string{"revision 2", "revision 1", "canary; hash bbb222", "stable; hash aaa111",
		"guestbook-bbb222-2-1", "success-rate", "last 0.98", "ActualWeight:", "argoproj/rollouts-demo:blue (stable, canary)"} {
		if !strings.Contains(last, want) {
			t.Errorf("no %q in\n%s", want, last)
		}
	}
}

// Given a paused canary, when `rollout get --until-done` watches it and
// the Rollout then turns Degraded (as the controller would write it),
// then the watch ends by itself with exit 1 and the Rollout's message;
// and when a Rollout is Healthy, with exit 0.
func TestRolloutGetUntilDone(t *testing.T) {
	ns, flags := testNamespace(t)
	testRollout(t, ns, pausedAtStep())
	type result struct {
		code        int
		out, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, out, stderr := runIn("", append([]string{"rollout", "get", "guestbook", "--until-done", "--timeout", "1m"}, flags...)...)
		done <- result{code, out, stderr}
	}()
	ro := getRollout(t, ns)
	ro.Status.Phase, ro.Status.Message = v1alpha1.RolloutPhaseDegraded, "RolloutAborted: metric failed"
	ro.Status.ObservedGeneration = "1"
	if err := env.Client.Status().Update(context.Background(), ro); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		last := r.out[strings.LastIndex(r.out, "== "):]
		if r.code != 1 || !strings.Contains(r.stderr, "is Degraded: RolloutAborted: metric failed") || strings.Join(fields(last, "Status:"), " ") != "Status: Degraded" {
			t.Errorf("exit %d, stderr %q, stdout:\n%s", r.code, r.stderr, r.out)
		}
	case <-time.After(time.Minute):
		t.Fatal("rollout get --until-done did not end after the Rollout turned Degraded")
	}

	ro = getRollout(t, ns)
	ro.Status.Phase, ro.Status.Message = v1alpha1.RolloutPhaseHealthy, ""
	if err := env.Client.Status().Update(context.Background(), ro); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", append([]string{"rollout", "get", "guestbook", "--until-done", "-o", "json"}, flags...)...)
	if !strings.Contains(out, `"phase": "Healthy"`) {
		t.Errorf("rollout get --until-done -o json:\n%s", out)
	}
}
