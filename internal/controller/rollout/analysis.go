package rollout

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// The values of an AnalysisRun's rollout-type label (Argo's
// RolloutType*Label).
const (
	runTypeStep          = "Step"
	runTypeBackground    = "Background"
	runTypePrePromotion  = "PrePromotion"
	runTypePostPromotion = "PostPromotion"
)

// defaultRunHistoryLimit is how many successful, and how many
// unsuccessful, finished runs a Rollout keeps (spec.analysis; Argo's 5).
const defaultRunHistoryLimit = 5

// currentRuns are the AnalysisRuns the Rollout's status names as current.
type currentRuns struct {
	step, background, prePromotion, postPromotion *v1alpha1.AnalysisRun
}

// list is the current runs that exist.
func (cr currentRuns) list() []*v1alpha1.AnalysisRun {
	var out []*v1alpha1.AnalysisRun
	for _, r := range []*v1alpha1.AnalysisRun{cr.step, cr.background, cr.prePromotion, cr.postPromotion} {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// findCurrentRuns looks up the runs named in the Rollout's status.
func findCurrentRuns(ro *v1alpha1.Rollout, runs []*v1alpha1.AnalysisRun) currentRuns {
	byName := func(s *v1alpha1.RolloutAnalysisRunStatus) *v1alpha1.AnalysisRun {
		if s == nil {
			return nil
		}
		for _, r := range runs {
			if r.Name == s.Name {
				return r
			}
		}
		return nil
	}
	return currentRuns{
		step:          byName(ro.Status.Canary.CurrentStepAnalysisRunStatus),
		background:    byName(ro.Status.Canary.CurrentBackgroundAnalysisRunStatus),
		prePromotion:  byName(ro.Status.BlueGreen.PrePromotionAnalysisRunStatus),
		postPromotion: byName(ro.Status.BlueGreen.PostPromotionAnalysisRunStatus),
	}
}

// runStatus is the status entry for a current run, nil for none.
func runStatus(r *v1alpha1.AnalysisRun) *v1alpha1.RolloutAnalysisRunStatus {
	if r == nil {
		return nil
	}
	return &v1alpha1.RolloutAnalysisRunStatus{Name: r.Name, Status: r.Status.Phase, Message: r.Status.Message}
}

// needsNewRun reports whether a run must be started for the analysis in
// force (Argo's needsNewAnalysisRun): there is none, the user resumed
// after an inconclusive run paused the Rollout, or the update is being
// retried after an abort.
func needsNewRun(current *v1alpha1.AnalysisRun, ro *v1alpha1.Rollout) bool {
	if current == nil {
		return true
	}
	if ro.Status.ControllerPause && pauseCondition(ro, v1alpha1.PauseReasonCanaryPauseStep) == nil &&
		pauseCondition(ro, v1alpha1.PauseReasonBlueGreenPause) == nil {
		return current.Status.Phase == v1alpha1.AnalysisPhaseInconclusive
	}
	return ro.Status.AbortedAt != nil
}

// judge turns a current run's phase into a pause (Inconclusive) or an
// abort (Failed, Error) with prefix and the run's message.
func (c *rolloutContext) judge(r *v1alpha1.AnalysisRun, prefix string) {
	if r == nil {
		return
	}
	switch r.Status.Phase {
	case v1alpha1.AnalysisPhaseInconclusive:
		c.pause.addPause(v1alpha1.PauseReasonInconclusiveAnalysis)
	case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError:
		msg := prefix + " analysis phase error/failed"
		if r.Status.Message != "" {
			msg += ": " + r.Status.Message
		}
		c.pause.addAbort(msg)
	}
}

// terminateRuns asks unfinished runs to stop (spec.terminate), as Argo's
// cancelAnalysisRuns.
func (c *rolloutContext) terminateRuns(ctx context.Context, runs ...*v1alpha1.AnalysisRun) error {
	for _, r := range runs {
		if r == nil || r.Spec.Terminate || analysis.Completed(r.Status.Phase) {
			continue
		}
		patch := client.MergeFrom(r.DeepCopy())
		r.Spec.Terminate = true
		if err := c.r.Client.Patch(ctx, r, patch); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("terminate analysis run %s: %w", r.Name, err)
		}
	}
	return nil
}

// createRun starts an AnalysisRun for a Rollout analysis, named as Argo
// names it: <rollout>-<pod hash>-<revision>[-<infix>], with .1, .2, ...
// appended when the name is taken by another run.
func (c *rolloutContext) createRun(ctx context.Context, ra *v1alpha1.RolloutAnalysis, infix, runType string, extra map[string]string) (*v1alpha1.AnalysisRun, error) {
	podHash := hashOf(c.newRS)
	revision := strconv.FormatInt(c.revision(), 10)
	parts := []string{c.ro.Name, podHash, revision}
	if infix != "" {
		parts = append(parts, infix)
	}
	run, err := c.runFromTemplates(ctx, ra)
	if err != nil {
		return nil, err
	}
	run.Namespace = c.ro.Namespace
	run.Labels = map[string]string{v1alpha1.LabelPodTemplateHash: podHash, v1alpha1.LabelRolloutType: runType}
	for k, v := range extra {
		run.Labels[k] = v
	}
	run.Annotations = map[string]string{replicas.AnnotationRevision: revision}
	if md := ra.AnalysisRunMetadata; md != nil {
		for k, v := range md.Labels {
			run.Labels[k] = v
		}
		for k, v := range md.Annotations {
			run.Annotations[k] = v
		}
	}
	if c.ro.Spec.Selector != nil {
		for k, v := range c.ro.Spec.Selector.MatchLabels {
			run.Labels[k] = v
		}
	}
	run.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(c.ro, v1alpha1.SchemeGroupVersion.WithKind("Rollout"))}
	base := strings.Join(parts, "-")
	for i := 0; i < 20; i++ {
		run.Name = base
		if i > 0 {
			run.Name = fmt.Sprintf("%s.%d", base, i)
		}
		err := c.r.Client.Create(ctx, run)
		if err == nil {
			c.runs = append(c.runs, run)
			c.r.Recorder.Eventf(c.ro, run, corev1.EventTypeNormal, "AnalysisRunCreated", "Create",
				"Created AnalysisRun %s", run.Name)
			return run, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("create analysis run %s: %w", run.Name, err)
		}
		run.ResourceVersion = ""
	}
	return nil, fmt.Errorf("create analysis run %s: every name up to .19 is taken", base)
}

// reconcileAnalysisRuns keeps the runs the Rollout's strategy asks for
// now, turns their outcome into pauses and aborts, terminates the others
// and deletes finished runs beyond the history limits (Argo's
// reconcileAnalysisRuns).
func (c *rolloutContext) reconcileAnalysisRuns(ctx context.Context) error {
	cancelAll := c.fullyPromoted() || c.pause.aborted() || c.ro.Status.PromoteFull || c.ro.Status.StableRS == "" || c.fastRollback()
	var next currentRuns
	var err error
	switch {
	case cancelAll:
		if err := c.terminateRuns(ctx, c.current.list()...); err != nil {
			return err
		}
		next.prePromotion, next.postPromotion = c.current.prePromotion, c.current.postPromotion
	case c.ro.Spec.Strategy.Canary != nil:
		if next.step, err = c.reconcileStepRun(ctx); err != nil {
			return err
		}
		if next.background, err = c.reconcileBackgroundRun(ctx); err != nil {
			return err
		}
	default:
		if next.prePromotion, err = c.reconcilePromotionRun(ctx, true); err != nil {
			return err
		}
		if next.postPromotion, err = c.reconcilePromotionRun(ctx, false); err != nil {
			return err
		}
	}
	c.setRunStatuses(next)
	keep := map[string]bool{}
	for _, r := range next.list() {
		keep[r.Name] = true
	}
	var others []*v1alpha1.AnalysisRun
	for _, r := range c.runs {
		if !keep[r.Name] {
			others = append(others, r)
		}
	}
	if err := c.terminateRuns(ctx, others...); err != nil {
		return err
	}
	return c.deleteOldRuns(ctx, others)
}

// setRunStatuses records the current runs in the new status and an Event
// when one's phase changed.
func (c *rolloutContext) setRunStatuses(next currentRuns) {
	prev := []*v1alpha1.RolloutAnalysisRunStatus{c.ro.Status.Canary.CurrentStepAnalysisRunStatus,
		c.ro.Status.Canary.CurrentBackgroundAnalysisRunStatus, c.ro.Status.BlueGreen.PrePromotionAnalysisRunStatus,
		c.ro.Status.BlueGreen.PostPromotionAnalysisRunStatus}
	for i, r := range []*v1alpha1.AnalysisRun{next.step, next.background, next.prePromotion, next.postPromotion} {
		if r == nil || r.Status.Phase == "" || (prev[i] != nil && prev[i].Name == r.Name && prev[i].Status == r.Status.Phase) {
			continue
		}
		kind := corev1.EventTypeNormal
		if r.Status.Phase == v1alpha1.AnalysisPhaseFailed || r.Status.Phase == v1alpha1.AnalysisPhaseError {
			kind = corev1.EventTypeWarning
		}
		c.r.Recorder.Eventf(c.ro, r, kind, "AnalysisRun"+string(r.Status.Phase), "Analysis",
			"Analysis Run '%s' Status New: '%s'", r.Name, r.Status.Phase)
	}
	c.current = next
	c.status.Canary.CurrentStepAnalysisRunStatus, c.status.Canary.CurrentBackgroundAnalysisRunStatus = nil, nil
	if !c.pause.aborted() {
		// An aborted canary forgets its runs, as Argo's SetCurrentAnalysisRuns.
		c.status.Canary.CurrentStepAnalysisRunStatus = runStatus(next.step)
		c.status.Canary.CurrentBackgroundAnalysisRunStatus = runStatus(next.background)
	}
	c.status.BlueGreen.PrePromotionAnalysisRunStatus = runStatus(next.prePromotion)
	c.status.BlueGreen.PostPromotionAnalysisRunStatus = runStatus(next.postPromotion)
}

// reconcileStepRun keeps the run of the current analysis step (Argo's
// reconcileStepBasedAnalysisRun).
func (c *rolloutContext) reconcileStepRun(ctx context.Context) (*v1alpha1.AnalysisRun, error) {
	step, index := replicas.CurrentStep(c.ro)
	current := c.current.step
	if len(c.ro.Status.PauseConditions) > 0 || c.ro.Status.Abort {
		return current, nil
	}
	fromPrevious := step != nil && step.Analysis != nil && current != nil &&
		current.Labels[v1alpha1.LabelStepIndex] != strconv.Itoa(int(*index))
	if step == nil || step.Analysis == nil || len(step.Analysis.Templates) == 0 || fromPrevious {
		return nil, c.terminateRuns(ctx, current)
	}
	if needsNewRun(current, c.ro) {
		idx := strconv.Itoa(int(*index))
		return c.createRun(ctx, step.Analysis, idx, runTypeStep, map[string]string{v1alpha1.LabelStepIndex: idx})
	}
	c.judge(current, "Step-based")
	return current, nil
}

// reconcileBackgroundRun keeps the canary's background analysis running
// from its startingStep until promotion (Argo's
// reconcileBackgroundAnalysisRun).
func (c *rolloutContext) reconcileBackgroundRun(ctx context.Context) (*v1alpha1.AnalysisRun, error) {
	current := c.current.background
	bg := c.ro.Spec.Strategy.Canary.Analysis
	if bg == nil || len(bg.Templates) == 0 {
		return nil, c.terminateRuns(ctx, current)
	}
	if c.ro.Status.CurrentPodHash == "" || c.beforeStartingStep(bg.StartingStep) {
		return nil, nil
	}
	if pauseCondition(c.ro, v1alpha1.PauseReasonInconclusiveAnalysis) != nil {
		return current, nil
	}
	if needsNewRun(current, c.ro) {
		return c.createRun(ctx, &bg.RolloutAnalysis, "", runTypeBackground, nil)
	}
	c.judge(current, "Background")
	return current, nil
}

// beforeStartingStep reports whether the canary has not reached the
// background analysis' startingStep yet.
func (c *rolloutContext) beforeStartingStep(start *int32) bool {
	if start == nil {
		return false
	}
	_, index := replicas.CurrentStep(c.ro)
	return index != nil && *index < *start
}

// deleteOldRuns deletes finished runs beyond the successful and
// unsuccessful history limits, newest kept (Argo's
// FilterAnalysisRunsToDelete).
func (c *rolloutContext) deleteOldRuns(ctx context.Context, runs []*v1alpha1.AnalysisRun) error {
	okLimit, badLimit := int32(defaultRunHistoryLimit), int32(defaultRunHistoryLimit)
	if a := c.ro.Spec.Analysis; a != nil {
		if a.SuccessfulRunHistoryLimit != nil {
			okLimit = *a.SuccessfulRunHistoryLimit
		}
		if a.UnsuccessfulRunHistoryLimit != nil {
			badLimit = *a.UnsuccessfulRunHistoryLimit
		}
	}
	sorted := append([]*v1alpha1.AnalysisRun(nil), runs...)
	sort.Slice(sorted, func(i, j int) bool {
		return sorted[j].CreationTimestamp.Before(&sorted[i].CreationTimestamp)
	})
	var ok, bad int32
	for _, r := range sorted {
		if !analysis.Completed(r.Status.Phase) || r.DeletionTimestamp != nil {
			continue
		}
		if r.Status.Phase == v1alpha1.AnalysisPhaseSuccessful {
			ok++
			if ok <= okLimit {
				continue
			}
		} else {
			bad++
			if bad <= badLimit {
				continue
			}
		}
		if err := c.r.Client.Delete(ctx, r); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete old analysis run %s: %w", r.Name, err)
		}
	}
	return nil
}
