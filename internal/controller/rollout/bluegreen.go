package rollout

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// rolloutBlueGreen is one pass of the blue-green strategy (Argo's
// rolloutBlueGreen): the new revision comes up beside the active one
// behind the preview Service, waits for pre-promotion analysis and the
// pause (autoPromotionSeconds, or a promote), then the active Service
// switches to it; post-promotion analysis decides whether it becomes
// stable; the old revision is scaled down after scaleDownDelaySeconds.
func (c *rolloutContext) rolloutBlueGreen(ctx context.Context) error {
	bg := c.ro.Spec.Strategy.BlueGreen
	active, err := c.service(ctx, bg.ActiveService)
	if err != nil {
		return err
	}
	preview, err := c.service(ctx, bg.PreviewService)
	if err != nil {
		return err
	}
	if err := c.syncNewReplicaSet(ctx); err != nil {
		return err
	}
	if preview != nil && !c.halted() {
		if err := c.pointService(ctx, bg.PreviewService, c.newRS); err != nil {
			return err
		}
	}
	if c.ro.Status.CurrentPodHash != hashOf(c.newRS) {
		return c.syncBlueGreenStatus(ctx, active, preview, true)
	}
	if _, err := c.restartPods(ctx); err != nil {
		return err
	}
	if err := c.reconcileBlueGreenReplicaSets(ctx); err != nil {
		return err
	}
	c.reconcileBlueGreenPause(active)
	if err := c.reconcileActiveService(ctx, active); err != nil {
		return err
	}
	if err := c.reconcileAnalysisRuns(ctx); err != nil {
		return err
	}
	if err := c.reconcileEphemeralMetadata(ctx); err != nil {
		return err
	}
	return c.syncBlueGreenStatus(ctx, active, preview, false)
}

// service reads a Service of the Rollout's namespace; "" is no Service.
func (c *rolloutContext) service(ctx context.Context, name string) (*corev1.Service, error) {
	if name == "" {
		return nil, nil
	}
	var svc corev1.Service
	if err := c.r.Client.Get(ctx, client.ObjectKey{Namespace: c.ro.Namespace, Name: name}, &svc); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("service %q not found", name)
		}
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	return &svc, nil
}

// halted reports a manual pause or an inconclusive analysis: nothing
// moves (Argo's haltProgress).
func (c *rolloutContext) halted() bool {
	return c.ro.Spec.Paused || pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil
}

// reconcileBlueGreenReplicaSets scales the stable and new ReplicaSets to
// their counts and the others down after their delay.
func (c *rolloutContext) reconcileBlueGreenReplicaSets(ctx context.Context) error {
	if err := c.removeScaleDownDeadline(ctx, c.stableRS); err != nil {
		return err
	}
	if !c.delaysScaleDownOnAbort() {
		if err := c.removeScaleDownDeadline(ctx, c.newRS); err != nil {
			return err
		}
	}
	activeRS := replicas.ByHash(c.allRSs, c.ro.Status.BlueGreen.ActiveSelector)
	stable, count := replicas.BlueGreenCounts(c.ro, c.stableRS, c.newRS, activeRS)
	if c.stableRS != nil && hashOf(c.stableRS) != hashOf(c.newRS) {
		if _, err := c.scaleReplicaSet(ctx, c.stableRS, stable, "stable"); err != nil {
			return err
		}
	}
	if c.pause.aborted() && c.newRS != nil && hashOf(c.newRS) != hashOf(c.stableRS) {
		count = 0 // an aborted preview goes, after the delay below
	}
	if c.delaysScaleDownOnAbort() {
		switch {
		case c.deadlinePassed(c.newRS):
			count = 0
		case hasDeadline(c.newRS):
			count = specOf(c.newRS)
		default:
			if err := c.addScaleDownDelay(ctx, c.newRS, abortDelay(c.ro.Spec.Strategy.BlueGreen.AbortScaleDownDelaySeconds)); err != nil {
				return err
			}
			count = specOf(c.newRS)
		}
	}
	if _, err := c.scaleReplicaSet(ctx, c.newRS, count, "new"); err != nil {
		return err
	}
	if err := c.scaleDownBlueGreenOthers(ctx); err != nil {
		return err
	}
	return c.cleanupHistory(ctx)
}

// scaleDownBlueGreenOthers scales down ReplicaSets no Service selects,
// each after its scale-down delay (Argo's
// scaleDownOldReplicaSetsForBlueGreen); while post-promotion analysis
// runs without an explicit delay, the old revision stays up.
func (c *rolloutContext) scaleDownBlueGreenOthers(ctx context.Context) error {
	if pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil {
		return nil
	}
	bg := c.ro.Spec.Strategy.BlueGreen
	if bg.PostPromotionAnalysis != nil && bg.ScaleDownDelaySeconds == nil && c.ro.Status.StableRS != hashOf(c.newRS) &&
		c.ro.Status.BlueGreen.ActiveSelector == hashOf(c.newRS) {
		if r := c.current.postPromotion; r == nil || r.Status.Phase != v1alpha1.AnalysisPhaseSuccessful {
			return nil
		}
	}
	for _, rs := range c.otherRSs {
		h := hashOf(rs)
		if specOf(rs) == 0 || h == c.ro.Status.BlueGreen.ActiveSelector || h == c.ro.Status.BlueGreen.PreviewSelector {
			continue
		}
		if err := c.addScaleDownDelay(ctx, rs, scaleDownDelay(bg.ScaleDownDelaySeconds)); err != nil {
			return err
		}
		if !c.deadlinePassed(rs) {
			continue
		}
		if _, err := c.scaleReplicaSet(ctx, rs, 0, "old"); err != nil {
			return err
		}
	}
	return nil
}

// readyForPause reports the new ReplicaSet at its count with every pod
// available (Argo's ReadyForPause).
func (c *rolloutContext) readyForPause() bool {
	activeRS := replicas.ByHash(c.allRSs, c.ro.Status.BlueGreen.ActiveSelector)
	_, count := replicas.BlueGreenCounts(c.ro, c.stableRS, c.newRS, activeRS)
	return c.newRS != nil && specOf(c.newRS) == count && c.newRS.Status.AvailableReplicas == count
}

// fastTracked reports an update that skips the pause: a fast rollback, a
// full promotion, or an active Service that selects nothing yet or
// already the new revision.
func (c *rolloutContext) fastTracked(active *corev1.Service) bool {
	sel, ok := active.Spec.Selector[v1alpha1.LabelPodTemplateHash]
	return c.fastRollback() || c.ro.Status.PromoteFull || !ok || sel == hashOf(c.newRS)
}

// controllerManagesPause reports a blue-green whose pause the controller
// adds: auto-promotion off, or a delay before it.
func controllerManagesPause(bg *v1alpha1.BlueGreenStrategy) bool {
	if bg.AutoPromotionEnabled != nil && !*bg.AutoPromotionEnabled {
		return true
	}
	return bg.AutoPromotionSeconds > 0
}

// completedBlueGreenPause reports the pause over: resumed by a user, or
// autoPromotionSeconds passed (Argo's CompletedBlueGreenPause).
func (c *rolloutContext) completedBlueGreenPause() bool {
	bg := c.ro.Spec.Strategy.BlueGreen
	cond := pauseCondition(c.ro, v1alpha1.PauseReasonBlueGreenPause)
	switch {
	case c.pause.hasAddPause():
		return false
	case c.ro.Status.BlueGreen.ScaleUpPreviewCheckPoint:
		return true
	case bg.AutoPromotionEnabled == nil || *bg.AutoPromotionEnabled:
		if bg.AutoPromotionSeconds == 0 {
			return true
		}
		if cond == nil {
			return false
		}
		end := cond.StartTime.Add(secondsOf(bg.AutoPromotionSeconds))
		if c.now.Before(end) {
			c.waitUntil(end)
			return false
		}
		return true
	}
	return c.ro.Status.ControllerPause && cond == nil
}

// completedPrePromotion reports pre-promotion analysis not needed or
// Successful.
func (c *rolloutContext) completedPrePromotion() bool {
	bg := c.ro.Spec.Strategy.BlueGreen
	if bg.PrePromotionAnalysis == nil || c.skipPromotionRun(true, c.current.prePromotion) {
		return true
	}
	r := c.current.prePromotion
	return r != nil && r.Status.Phase == v1alpha1.AnalysisPhaseSuccessful
}

// reconcileBlueGreenPause adds the BlueGreenPause once the new revision is
// ready, and removes it when the pause is over (Argo's
// reconcileBlueGreenPause).
func (c *rolloutContext) reconcileBlueGreenPause(active *corev1.Service) {
	if c.ro.Status.Abort || c.newRS == nil || !c.readyForPause() || c.halted() {
		return
	}
	bg := c.ro.Spec.Strategy.BlueGreen
	if c.fastTracked(active) || c.ro.Status.BlueGreen.ScaleUpPreviewCheckPoint || !controllerManagesPause(bg) {
		c.pause.removePause(v1alpha1.PauseReasonBlueGreenPause)
		return
	}
	if !c.completedPrePromotion() {
		return
	}
	if pauseCondition(c.ro, v1alpha1.PauseReasonBlueGreenPause) != nil {
		if c.completedBlueGreenPause() {
			c.pause.removePause(v1alpha1.PauseReasonBlueGreenPause)
		}
		return
	}
	if !c.ro.Status.ControllerPause {
		c.pause.addPause(v1alpha1.PauseReasonBlueGreenPause)
	}
}

// reconcileActiveService switches the active Service to the new revision
// once it is ready, the pause over and pre-promotion analysis passed;
// after an abort, back to stable (Argo's reconcileActiveService).
func (c *rolloutContext) reconcileActiveService(ctx context.Context, active *corev1.Service) error {
	if c.halted() || c.newRS == nil || !c.readyForPause() || !fullyAvailable(c.newRS) || specOf(c.newRS) < replicas.Replicas(c.ro) {
		return nil
	}
	want := active.Spec.Selector[v1alpha1.LabelPodTemplateHash]
	if c.fastTracked(active) || (c.completedBlueGreenPause() && c.completedPrePromotion()) {
		want = hashOf(c.newRS)
	}
	if c.ro.Status.Abort {
		want = c.ro.Status.StableRS
	}
	if want == "" {
		return nil
	}
	target := replicas.ByHash(c.allRSs, want)
	if target == nil {
		return nil
	}
	if err := c.pointService(ctx, active.Name, target); err != nil {
		return err
	}
	c.status.BlueGreen.ActiveSelector = want
	return nil
}

// reconcilePromotionRun keeps the pre- or post-promotion analysis run.
func (c *rolloutContext) reconcilePromotionRun(ctx context.Context, pre bool) (*v1alpha1.AnalysisRun, error) {
	bg := c.ro.Spec.Strategy.BlueGreen
	ra, current, infix, kind, prefix := bg.PrePromotionAnalysis, c.current.prePromotion, "pre", runTypePrePromotion, "Blue/green pre-promotion"
	if !pre {
		ra, current, infix, kind, prefix = bg.PostPromotionAnalysis, c.current.postPromotion, "post", runTypePostPromotion, "Blue/green post-promotion"
	}
	if ra == nil || len(ra.Templates) == 0 {
		return nil, c.terminateRuns(ctx, current)
	}
	if c.skipPromotionRun(pre, current) {
		return current, c.terminateRuns(ctx, current)
	}
	if pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil {
		return current, nil
	}
	if needsNewRun(current, c.ro) {
		return c.createRun(ctx, ra, infix, kind, nil)
	}
	c.judge(current, prefix)
	return current, nil
}

// skipPromotionRun reports a pre- or post-promotion run that is not
// needed (yet): the revision is stable, or the active Service is not
// where the run belongs, or a run not started yet would start before the
// new ReplicaSet is saturated (Argo's skipPre/PostPromotionAnalysisRun).
func (c *rolloutContext) skipPromotionRun(pre bool, current *v1alpha1.AnalysisRun) bool {
	h := hashOf(c.newRS)
	active := c.ro.Status.BlueGreen.ActiveSelector
	if h == "" || c.ro.Status.StableRS == h {
		return true
	}
	if pre && (active == "" || active == h) {
		return true
	}
	if !pre && active != h {
		return true
	}
	if current != nil {
		return false
	}
	if n := c.ro.Spec.Strategy.BlueGreen.PreviewReplicaCount; pre && n != nil {
		return specOf(c.newRS) != *n || c.newRS.Status.AvailableReplicas != *n
	}
	return !fullyAvailable(c.newRS) || specOf(c.newRS) != replicas.Replicas(c.ro)
}

// syncBlueGreenStatus records the Services' selectors, promotes the new
// revision to stable when the update is done, and writes the status
// (Argo's syncRolloutStatusBlueGreen). reset is a new update.
func (c *rolloutContext) syncBlueGreenStatus(ctx context.Context, active, preview *corev1.Service, reset bool) error {
	c.status.StableRS = c.ro.Status.StableRS
	if reset {
		c.resetStatus()
	}
	if c.ro.Status.PromoteFull || c.rollbackWithinWindow() {
		c.pause.clearAll()
		c.pause.removeAbort()
	}
	c.status.BlueGreen.PreviewSelector = ""
	if preview != nil {
		if p, err := c.service(ctx, preview.Name); err == nil {
			c.status.BlueGreen.PreviewSelector = p.Spec.Selector[v1alpha1.LabelPodTemplateHash]
		}
	}
	if a, err := c.service(ctx, active.Name); err == nil {
		c.status.BlueGreen.ActiveSelector = a.Spec.Selector[v1alpha1.LabelPodTemplateHash]
	}
	if reason := c.blueGreenPromotionReason(); reason != "" {
		c.promoteStable(reason)
	} else {
		c.status.BlueGreen.ScaleUpPreviewCheckPoint = c.scaleUpPreviewCheckPoint()
	}
	return c.writeStatus(ctx)
}

// blueGreenPromotionReason says why the new revision becomes stable now
// (Argo's shouldFullPromote for blue-green): the active Service selects
// it and post-promotion analysis (if any) succeeded.
func (c *rolloutContext) blueGreenPromotionReason() string {
	s := &c.status
	current := hashOf(c.newRS)
	switch {
	case s.BlueGreen.ActiveSelector == "":
		return "Initial deploy"
	case s.BlueGreen.ActiveSelector != current:
		return ""
	case c.ro.Status.PromoteFull:
		return "Full promotion requested"
	case c.fastRollback():
		if c.rollbackWithinWindow() {
			return "Rollback within window"
		}
		return "Fast rollback"
	case c.pause.aborted():
		return ""
	}
	if c.ro.Spec.Strategy.BlueGreen.PostPromotionAnalysis != nil {
		if r := c.current.postPromotion; r == nil || r.Status.Phase != v1alpha1.AnalysisPhaseSuccessful {
			return ""
		}
	}
	return "Completed blue-green update"
}

// scaleUpPreviewCheckPoint is status.blueGreen.scaleUpPreviewCheckPoint:
// once the preview revision runs previewReplicaCount pods, pre-promotion
// analysis passed and the pause is over, it is set until the next update
// or promotion, and the new revision scales to full size.
func (c *rolloutContext) scaleUpPreviewCheckPoint() bool {
	n := c.ro.Spec.Strategy.BlueGreen.PreviewReplicaCount
	if n == nil {
		return false
	}
	if c.ro.Status.BlueGreen.ScaleUpPreviewCheckPoint {
		return true
	}
	if !c.completedPrePromotion() || !c.completedBlueGreenPause() {
		return false
	}
	return c.newRS != nil && c.newRS.Status.AvailableReplicas == *n
}

// secondsOf is a number of seconds as a duration.
func secondsOf(n int32) time.Duration { return time.Duration(n) * time.Second }
