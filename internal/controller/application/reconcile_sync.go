package application

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// defaultHistoryLimit is Argo CD's revisionHistoryLimit default.
const defaultHistoryLimit = 10

// reconcileSync starts an automated sync when one is due, then advances the
// running sync by one step. It reports whether a sync is still running.
func (r *Reconciler) reconcileSync(ctx context.Context, st *state) bool {
	app := st.app
	revision := strings.Join(st.revisions, ",")
	if app.Operation == nil {
		r.autoSync(st, revision)
	}
	os := app.Status.OperationState
	if app.Operation == nil && (os == nil || os.Phase != v1alpha1.OperationRunning) {
		return false
	}
	now := metav1.Now()
	if app.Operation != nil && (os == nil || os.Phase != v1alpha1.OperationRunning || !equalJSON(os.Operation, *app.Operation)) {
		os = &v1alpha1.OperationState{Operation: *app.Operation, Phase: v1alpha1.OperationRunning, StartedAt: now,
			SyncResult: &v1alpha1.SyncOperationResult{Revision: revision, Revisions: revisionsOf(app, st.revisions)}}
		if app.Spec.Source != nil {
			os.SyncResult.Source = *app.Spec.Source
		}
		os.SyncResult.Sources = app.Spec.Sources
		app.Status.OperationState = os
	}
	syncOp := os.Operation.Sync
	if syncOp == nil {
		syncOp = &v1alpha1.SyncOperation{}
	}
	targets := selected(st.targets, syncOp.Resources)
	plan := tsync.NewPlan(targets, func(t *unstructured.Unstructured) *unstructured.Unstructured { return st.live[key(t)] },
		selected(st.orphans, syncOp.Resources), syncOp.Prune)
	if len(st.targets) == 0 && !allowEmpty(app) && len(st.orphans) > 0 && syncOp.Prune {
		os.Phase, os.Message = v1alpha1.OperationFailed, "refusing to prune every resource: the render is empty and allowEmpty is off"
	} else if syncOp.DryRun {
		os.Phase, os.Message = v1alpha1.OperationSucceeded, "dry run: nothing changed"
	} else {
		os.Phase, os.Message = r.runner.Step(ctx, plan, os.SyncResult)
	}
	if os.Phase == v1alpha1.OperationRunning {
		return true
	}
	if os.Phase == v1alpha1.OperationFailed && retryDue(os) {
		os.RetryCount++
		os.Phase = v1alpha1.OperationRunning
		os.Message = "retrying: " + os.Message
		os.SyncResult.Resources = nil
		return true
	}
	finished := metav1.Now()
	os.FinishedAt = &finished
	if os.Phase == v1alpha1.OperationSucceeded && !syncOp.DryRun {
		appendHistory(app, os)
	} else if os.Phase == v1alpha1.OperationFailed {
		st.condition(v1alpha1.ApplicationConditionSyncError, os.Message)
	}
	app.Operation = nil
	return false
}

// autoSync sets an automated sync operation when the app is out of sync and
// automated sync is on: for a revision not yet synced, or for drift when
// selfHeal is on. A revision whose sync failed is not tried again (no loop);
// a new commit is.
func (r *Reconciler) autoSync(st *state, revision string) {
	app := st.app
	p := app.Spec.SyncPolicy
	if p == nil || p.Automated == nil || (p.Automated.Enabled != nil && !*p.Automated.Enabled) || !st.outOfSync {
		return
	}
	last := app.Status.OperationState
	if last != nil && last.SyncResult != nil && last.SyncResult.Revision == revision && last.Operation.InitiatedBy.Automated {
		if last.Phase == v1alpha1.OperationFailed || last.Phase == v1alpha1.OperationError {
			return
		}
		if !p.Automated.SelfHeal {
			return
		}
	}
	op := &v1alpha1.Operation{
		Sync:        &v1alpha1.SyncOperation{Revision: revision, Prune: p.Automated.Prune, SyncOptions: p.SyncOptions},
		InitiatedBy: v1alpha1.OperationInitiator{Automated: true},
	}
	if p.Retry != nil {
		op.Retry = *p.Retry
	}
	app.Operation = op
}

func allowEmpty(app *v1alpha1.Application) bool {
	p := app.Spec.SyncPolicy
	return p != nil && p.Automated != nil && p.Automated.AllowEmpty
}

// retryDue reports whether a failed sync has retries left.
func retryDue(os *v1alpha1.OperationState) bool {
	limit := os.Operation.Retry.Limit
	return limit < 0 || os.RetryCount < limit
}

// selected keeps the objects a sync limited to some resources names.
func selected(objs []*unstructured.Unstructured, only []v1alpha1.SyncOperationResource) []*unstructured.Unstructured {
	if len(only) == 0 {
		return objs
	}
	var out []*unstructured.Unstructured
	for _, o := range objs {
		for _, r := range only {
			if r.Kind == o.GetKind() && r.Name == o.GetName() && r.Group == o.GroupVersionKind().Group &&
				(r.Namespace == "" || r.Namespace == o.GetNamespace()) {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func revisionsOf(app *v1alpha1.Application, revisions []string) []string {
	if len(app.Spec.Sources) > 0 {
		return revisions
	}
	return nil
}

// appendHistory records a successful sync and trims the history to the limit.
func appendHistory(app *v1alpha1.Application, os *v1alpha1.OperationState) {
	var next int64
	for _, h := range app.Status.History {
		if h.ID >= next {
			next = h.ID + 1
		}
	}
	entry := v1alpha1.RevisionHistory{
		ID: next, Revision: os.SyncResult.Revision, DeployedAt: *os.FinishedAt, DeployStartedAt: &os.StartedAt,
		Source: os.SyncResult.Source, Sources: os.SyncResult.Sources, Revisions: os.SyncResult.Revisions,
		InitiatedBy: os.Operation.InitiatedBy,
	}
	if len(app.Spec.Sources) > 0 {
		entry.Revision = ""
	}
	app.Status.History = append(app.Status.History, entry)
	limit := int64(defaultHistoryLimit)
	if app.Spec.RevisionHistoryLimit != nil {
		limit = *app.Spec.RevisionHistoryLimit
	}
	if over := int64(len(app.Status.History)) - limit; over > 0 {
		app.Status.History = app.Status.History[over:]
	}
}
