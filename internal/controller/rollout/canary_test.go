package rollout_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// basicCanary is a canary without traffic routing: the weights are
// approximated by pod counts, the Services follow the revisions.
const basicCanary = `
apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-canary}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "example.com/web:v1"}]
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      steps:
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {duration: 1s}
`

// serviceHash is the pod-template hash a Service selects.
func serviceHash(t *testing.T, ns, name string) string {
	t.Helper()
	var svc corev1.Service
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &svc); err != nil {
		t.Fatal(err)
	}
	return svc.Spec.Selector[v1alpha1.LabelPodTemplateHash]
}

// Given a basic canary, When the image changes, Then it stops at the pause
// step with the weight's pods, a promote (the plugin's status patch)
// walks the rest of the steps, and the new revision becomes stable with
// the old one scaled down.
func TestBasicCanaryWalksStepsAndPromotes(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, basicCanary)
	v1 := waitFor(t, ns, "web", "first revision healthy", healthy)
	if s := serviceHash(t, ns, "web-stable"); s != v1.Status.StableRS {
		t.Fatalf("stable service selects %q, want %q", s, v1.Status.StableRS)
	}
	if v1.Annotations["rollout.argoproj.io/revision"] != "1" {
		t.Errorf("revision annotation = %q, want 1", v1.Annotations["rollout.argoproj.io/revision"])
	}

	setImage(t, ns, "web", "example.com/web:v2")
	ro := waitFor(t, ns, "web", "paused at step 1", pausedAt(1))
	if ro.Status.StableRS != v1.Status.StableRS || ro.Status.CurrentPodHash == v1.Status.StableRS {
		t.Fatalf("stable %q current %q, want stable %q and a new current", ro.Status.StableRS, ro.Status.CurrentPodHash, v1.Status.StableRS)
	}
	eventually(t, "3 stable and 1 canary pod", func() (bool, error) {
		stable, canary := counts(t, ns, ro)
		return stable == 3 && canary == 1, nil
	})
	eventually(t, "canary service on the new revision", func() (bool, error) {
		return serviceHash(t, ns, "web-canary") == ro.Status.CurrentPodHash, nil
	})
	if s := serviceHash(t, ns, "web-stable"); s != v1.Status.StableRS {
		t.Errorf("stable service moved to %q during the canary", s)
	}

	kubectl(t, ns, "", "patch", "rollout", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"pauseConditions":null}}`)
	done := waitFor(t, ns, "web", "promoted to the new revision", healthy)
	if done.Status.StableRS != ro.Status.CurrentPodHash {
		t.Fatalf("stable = %q, want %q", done.Status.StableRS, ro.Status.CurrentPodHash)
	}
	if *done.Status.CurrentStepIndex != 4 {
		t.Errorf("currentStepIndex = %d, want 4", *done.Status.CurrentStepIndex)
	}
	eventually(t, "old revision scaled to 0, new at 4", func() (bool, error) {
		rss := replicaSets(t, ns)
		return len(rss) == 2 && *rss[v1.Status.StableRS].Spec.Replicas == 0 && *rss[done.Status.StableRS].Spec.Replicas == 4, nil
	})
	if s := serviceHash(t, ns, "web-stable"); s != done.Status.StableRS {
		t.Errorf("stable service selects %q, want %q", s, done.Status.StableRS)
	}
	for _, ty := range []v1alpha1.RolloutConditionType{v1alpha1.RolloutConditionAvailable, v1alpha1.RolloutConditionCompleted, v1alpha1.RolloutConditionHealthy} {
		if c := condition(done, ty); c == nil || c.Status != corev1.ConditionTrue {
			t.Errorf("condition %s = %+v, want True", ty, c)
		}
	}
}

// Given a canary paused mid-update, When it is aborted with the plugin's
// status patch, Then the canary goes to 0 pods, the stable back to all,
// both Services to stable, and the phase is Degraded; a retry starts the
// steps again.
func TestBasicCanaryAbortAndRetry(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, basicCanary)
	v1 := waitFor(t, ns, "web", "first revision healthy", healthy)
	setImage(t, ns, "web", "example.com/web:v2")
	ro := waitFor(t, ns, "web", "paused at step 1", pausedAt(1))

	kubectl(t, ns, "", "patch", "rollout", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"abort":true}}`)
	aborted := waitFor(t, ns, "web", "aborted and degraded", func(ro *v1alpha1.Rollout) bool {
		c := condition(ro, v1alpha1.RolloutConditionProgressing)
		return ro.Status.Phase == v1alpha1.RolloutPhaseDegraded && ro.Status.Abort && ro.Status.AbortedAt != nil &&
			c != nil && c.Reason == "RolloutAborted"
	})
	if *aborted.Status.CurrentStepIndex != 0 {
		t.Errorf("currentStepIndex = %d, want 0", *aborted.Status.CurrentStepIndex)
	}
	eventually(t, "canary at 0 pods, stable at 4", func() (bool, error) {
		stable, canary := counts(t, ns, ro)
		return stable == 4 && canary == 0, nil
	})
	eventually(t, "canary service back on stable", func() (bool, error) {
		return serviceHash(t, ns, "web-canary") == v1.Status.StableRS, nil
	})

	kubectl(t, ns, "", "patch", "rollout", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"abort":false}}`)
	retried := waitFor(t, ns, "web", "retried, paused at step 1 again", pausedAt(1))
	if retried.Status.Abort || retried.Status.AbortedAt != nil {
		t.Errorf("abort %v abortedAt %v after retry", retried.Status.Abort, retried.Status.AbortedAt)
	}
	if n := len(replicaSets(t, ns)); n != 2 {
		t.Errorf("%d ReplicaSets after retry, want 2 (no new revision)", n)
	}
}

// condition returns the Rollout's condition of type ty.
func condition(ro *v1alpha1.Rollout, ty v1alpha1.RolloutConditionType) *v1alpha1.RolloutCondition {
	for i := range ro.Status.Conditions {
		if ro.Status.Conditions[i].Type == ty {
			return &ro.Status.Conditions[i]
		}
	}
	return nil
}
