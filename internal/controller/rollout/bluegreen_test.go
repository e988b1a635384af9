package rollout_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// blueGreen is a blue-green Rollout; EXTRA is replaced by more strategy
// fields.
const blueGreen = `
apiVersion: v1
kind: Service
metadata: {name: pay-active}
spec: {selector: {app: pay}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: pay-preview}
spec: {selector: {app: pay}, ports: [{port: 80}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: pay}
spec:
  replicas: 3
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay}}
    spec:
      containers: [{name: app, image: "example.com/pay:v1"}]
  strategy:
    blueGreen:
      activeService: pay-active
      previewService: pay-preview
      scaleDownDelaySeconds: 1
      abortScaleDownDelaySeconds: 1
      EXTRA
`

// Given a blue-green Rollout with autoPromotionSeconds, When the image
// changes, Then the new revision runs behind the preview Service, the
// Rollout pauses, and after the delay the active Service switches, the
// new revision becomes stable and the old one is scaled down after
// scaleDownDelaySeconds.
func TestBlueGreenAutoPromotionSeconds(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, strings.Replace(blueGreen, "EXTRA", "autoPromotionSeconds: 2", 1))
	v1 := waitFor(t, ns, "pay", "first revision healthy", healthy)
	if a := serviceHash(t, ns, "pay-active"); a != v1.Status.StableRS || v1.Status.BlueGreen.ActiveSelector != a {
		t.Fatalf("active service %q, status activeSelector %q, want %q", a, v1.Status.BlueGreen.ActiveSelector, v1.Status.StableRS)
	}
	setImage(t, ns, "pay", "example.com/pay:v2")
	paused := waitFor(t, ns, "pay", "paused for promotion", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Phase == v1alpha1.RolloutPhasePaused && len(ro.Status.PauseConditions) == 1 &&
			ro.Status.PauseConditions[0].Reason == v1alpha1.PauseReasonBlueGreenPause
	})
	if p := serviceHash(t, ns, "pay-preview"); p != paused.Status.CurrentPodHash {
		t.Errorf("preview service %q, want the new revision %q", p, paused.Status.CurrentPodHash)
	}
	if a := serviceHash(t, ns, "pay-active"); a != v1.Status.StableRS {
		t.Errorf("active service moved to %q before promotion", a)
	}
	stable, preview := counts(t, ns, paused)
	if stable != 3 || preview != 3 {
		t.Errorf("stable %d preview %d pods, want 3 and 3", stable, preview)
	}
	done := waitFor(t, ns, "pay", "promoted after autoPromotionSeconds", healthy)
	if done.Status.StableRS != paused.Status.CurrentPodHash || serviceHash(t, ns, "pay-active") != done.Status.StableRS {
		t.Fatalf("stable %q active %q, want %q", done.Status.StableRS, serviceHash(t, ns, "pay-active"), paused.Status.CurrentPodHash)
	}
	if start, end := paused.Status.PauseConditions[0].StartTime, condition(done, v1alpha1.RolloutConditionCompleted).LastTransitionTime; end.Sub(start.Time).Seconds() < 2 {
		t.Errorf("promoted %v after the pause began, want at least autoPromotionSeconds (2s)", end.Sub(start.Time))
	}
	eventually(t, "old revision scaled down after scaleDownDelaySeconds", func() (bool, error) {
		return *replicaSets(t, ns)[v1.Status.StableRS].Spec.Replicas == 0, nil
	})
}

// Given a blue-green Rollout whose pre-promotion analysis fails, Then the
// update aborts: the active Service stays on the old revision, the phase
// is Degraded with the analysis' message, and the new revision is scaled
// down after abortScaleDownDelaySeconds.
func TestBlueGreenPrePromotionAnalysisAborts(t *testing.T) {
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"ok": false}`)
	}))
	t.Cleanup(health.Close)
	ns := namespace(t)
	template := fmt.Sprintf(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke}
spec:
  metrics:
  - name: smoke
    successCondition: result == true
    provider:
      web: {url: %q, jsonPath: "{$.ok}"}
`, health.URL)
	apply(t, ns, template+"\n---\n"+strings.Replace(blueGreen, "EXTRA",
		"prePromotionAnalysis: {templates: [{templateName: smoke}]}", 1))
	v1 := waitFor(t, ns, "pay", "first revision healthy", healthy)
	setImage(t, ns, "pay", "example.com/pay:v2")
	aborted := waitFor(t, ns, "pay", "aborted by pre-promotion analysis", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Abort && ro.Status.Phase == v1alpha1.RolloutPhaseDegraded
	})
	if !strings.Contains(aborted.Status.Message, "Blue/green pre-promotion analysis phase error/failed") {
		t.Errorf("message %q", aborted.Status.Message)
	}
	if s := aborted.Status.BlueGreen.PrePromotionAnalysisRunStatus; s == nil || s.Status != v1alpha1.AnalysisPhaseFailed {
		t.Errorf("prePromotionAnalysisRunStatus = %+v, want Failed", s)
	}
	if a := serviceHash(t, ns, "pay-active"); a != v1.Status.StableRS {
		t.Errorf("active service on %q after the abort, want %q", a, v1.Status.StableRS)
	}
	eventually(t, "new revision scaled down after abortScaleDownDelaySeconds", func() (bool, error) {
		rs := replicaSets(t, ns)[aborted.Status.CurrentPodHash]
		return *rs.Spec.Replicas == 0 && rs.Annotations[v1alpha1.AnnotationScaleDownDeadline] == "", nil
	})
	if n := *replicaSets(t, ns)[v1.Status.StableRS].Spec.Replicas; n != 3 {
		t.Errorf("stable at %d pods, want 3", n)
	}
}
