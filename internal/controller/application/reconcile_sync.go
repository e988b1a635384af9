package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/render"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// namespaceObject is the destination namespace that CreateNamespace=true
// creates, with managedNamespaceMetadata.
func namespaceObject(app *v1alpha1.Application) *unstructured.Unstructured {
	if app.Spec.Destination.Namespace == "" {
		return nil
	}
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName(app.Spec.Destination.Namespace)
	if p := app.Spec.SyncPolicy; p != nil && p.ManagedNamespaceMetadata != nil {
		m := p.ManagedNamespaceMetadata
		ns.SetLabels(m.Labels)
		ns.SetAnnotations(m.Annotations)
	}
	return ns
}

// reconcileSync starts an automated sync when one is due, starts a
// requested operation, and advances the running one by a step through the
// sync package, which owns the operation (plan, retries, termination,
// SyncFail hooks). It reports when to look again and whether that is for
// a running operation.
func (r *Reconciler) reconcileSync(ctx context.Context, st *state) (time.Duration, bool) {
	app := st.app
	os := app.Status.OperationState
	active := running(os)
	// The last sync's failure is a SyncError while the app is out of sync;
	// once Git and the cluster agree again (a fix or revert pushed), it is
	// not: Argo CD's autoSync returns no condition for a Synced app, which
	// clears it.
	if app.Operation == nil && os != nil && st.outOfSync && (os.Phase == v1alpha1.OperationFailed || os.Phase == v1alpha1.OperationError) {
		st.condition(v1alpha1.ApplicationConditionSyncError, os.Message)
	}
	var autoWait time.Duration
	// An automated sync starts only when the project's sync windows allow
	// one (Argo CD skips it, and tries again at the next reconcile).
	if app.Operation == nil && !active {
		var invalid *invalidWindowError
		switch err := st.windowAllows(false, nil); {
		case err == nil:
			app.Operation, autoWait = tsync.AutoSync(app, tsync.AutoSyncInput{Revisions: st.revisions, OutOfSync: st.outOfSync,
				WipesAll: len(st.targets) == 0 && len(st.orphans) > 0})
			heldBy(app.Operation, st.hold)
		case errors.As(err, &invalid):
			st.condition(v1alpha1.ApplicationConditionInvalidSpecError, err.Error())
		}
	}
	if app.Operation == nil && !active {
		return autoWait, false
	}
	op := app.Operation
	if op == nil {
		op = &os.Operation
	}
	syncOp := op.Sync
	if syncOp == nil {
		syncOp = &v1alpha1.SyncOperation{}
	}
	spec, targets, orphans, revisions, deps := &app.Spec, st.targets, st.orphans, st.revisions, st.deps
	if other := operationSpec(app, syncOp); other != nil && !atRevisions(syncOp, st.revisions) {
		res, err := r.renderOperation(ctx, st, other)
		if err != nil {
			r.endOperation(st, err)
			return 0, false
		}
		spec, targets, revisions, deps = other, managedOnly(st, res.Objects), res.Revisions, res.Dependencies
		for i, t := range targets {
			targets[i] = withoutIgnored(ctx, st, t, st.live[object.IDOf(t)])
		}
		orphans = orphansOf(st, targets)
	}
	if app.Operation != nil && (!active || !equalJSON(os.Operation, *app.Operation)) {
		os = r.startOperation(st, spec, revisions)
	}
	// The project is checked again at every step, so a project edited
	// during a sync stops it: nothing it no longer allows is applied or
	// pruned.
	if err := st.checkRendered(deps, targets, orphans); err != nil {
		r.endOperation(st, err)
		return 0, false
	}
	// A sync waits, Running, while a sync window blocks it, as in Argo CD.
	// One that has begun (not waiting for a window) may overrun the
	// window that allowed it, with syncOverrun.
	var startedAt *time.Time
	if active && !strings.HasPrefix(os.Message, errWindowBlocked.Error()) {
		startedAt = &os.StartedAt.Time
	}
	if err := st.windowAllows(!os.Operation.InitiatedBy.Automated, startedAt); err != nil {
		var invalid *invalidWindowError
		if errors.As(err, &invalid) {
			r.endOperation(st, err)
			return 0, false
		}
		os.Message = err.Error()
		return windowRetry, true
	}
	req := tsync.Request{
		Targets:   targets,
		Live:      func(id object.ID) *unstructured.Unstructured { return st.live[id] },
		Orphans:   orphans,
		Synced:    st.synced,
		Namespace: namespaceObject(app),
		Shared:    sharedResources(st, targets),
		Served: func(gvk schema.GroupVersionKind) bool {
			_, err := st.dest.Live.Mapping(gvk)
			return err == nil
		},
		Options: tsync.ParseOptions(syncPolicyOptions(app), syncOp.SyncOptions),
		Self:    app.UID,
	}
	wait := st.runner().Advance(ctx, os, req)
	if !tsync.Completed(os.Phase) {
		return wait, true
	}
	r.operationCompleted(st)
	return 0, false
}

// windowRetry is how often a sync blocked by a sync window looks again.
const windowRetry = 10 * time.Second

// renderOperation renders the spec an operation names (a rollback, another
// revision), checked against the project like the app's own.
func (r *Reconciler) renderOperation(ctx context.Context, st *state, spec *v1alpha1.ApplicationSpec) (*render.AppResult, error) {
	for _, src := range appSources(spec) {
		if err := st.checkSource(src.RepoURL); err != nil {
			return nil, err
		}
	}
	res, err := render.RenderApp(ctx, r.appRequest(ctx, st, *spec))
	if err != nil {
		return nil, err
	}
	if err := st.checkRendered(res.Dependencies); err != nil {
		return nil, err
	}
	return res, nil
}

// startOperation moves the requested operation into status.operationState.
func (r *Reconciler) startOperation(st *state, spec *v1alpha1.ApplicationSpec, revisions []string) *v1alpha1.OperationState {
	app := st.app
	result := v1alpha1.SyncOperationResult{Revision: strings.Join(revisions, ","), Sources: spec.Sources}
	if len(spec.Sources) > 0 {
		result.Revisions = revisions
	}
	if spec.Source != nil {
		result.Source = *spec.Source
	}
	os := tsync.Start(*app.Operation, result)
	app.Status.OperationState = os
	who := "automated sync"
	if u := app.Operation.InitiatedBy.Username; u != "" {
		who = "sync by " + u
	}
	r.events.record(app, corev1.EventTypeNormal, "OperationStarted", fmt.Sprintf("Initiated %s to %s", who, result.Revision))
	return os
}

// endOperation ends a requested or running operation at once with phase
// Error when the app cannot be rendered or compared: the operation is
// decided against what was true when it was requested, never left to run
// by itself once the error clears (Argo CD does the same).
func (r *Reconciler) endOperation(st *state, err error) {
	app := st.app
	os := app.Status.OperationState
	switch {
	case app.Operation != nil && (!running(os) || !equalJSON(os.Operation, *app.Operation)):
		app.Status.OperationState = tsync.Errored(*app.Operation, nil, err)
	case running(os):
		app.Status.OperationState = tsync.Errored(os.Operation, os, err)
	default:
		return
	}
	r.operationCompleted(st)
}

// operationCompleted records an operation that reached a final phase:
// metrics, an event, the history of a successful sync, the SyncError
// condition of a failed one; the request itself is cleared.
func (r *Reconciler) operationCompleted(st *state) {
	app, os := st.app, st.app.Status.OperationState
	syncTotal.WithLabelValues(app.Namespace, app.Name, app.Spec.Project, string(os.Phase)).Inc()
	eventType := corev1.EventTypeNormal
	if os.Phase != v1alpha1.OperationSucceeded {
		eventType = corev1.EventTypeWarning
	}
	what := "Sync operation"
	if os.SyncResult != nil && os.SyncResult.Revision != "" {
		what += " to " + os.SyncResult.Revision
	}
	r.events.record(app, eventType, "OperationCompleted", fmt.Sprintf("%s %s: %s", what, strings.ToLower(string(os.Phase)), os.Message))
	dryRun := os.Operation.Sync != nil && os.Operation.Sync.DryRun
	if os.Phase == v1alpha1.OperationSucceeded && !dryRun {
		tsync.AppendHistory(app, os)
	} else if os.Phase != v1alpha1.OperationSucceeded {
		st.condition(v1alpha1.ApplicationConditionSyncError, os.Message)
	}
	app.Operation = nil
}

// operationSpec is the spec a sync renders when the operation names a
// source (a rollback) or a revision other than the target; nil means the
// app's own spec as already rendered.
func operationSpec(app *v1alpha1.Application, op *v1alpha1.SyncOperation) *v1alpha1.ApplicationSpec {
	if op.Source == nil && len(op.Sources) == 0 && op.Revision == "" && len(op.Revisions) == 0 {
		return nil
	}
	spec := app.Spec.DeepCopy()
	if op.Source != nil {
		spec.Source, spec.Sources = op.Source.DeepCopy(), nil
	}
	if len(op.Sources) > 0 {
		spec.Source, spec.Sources = nil, op.Sources.DeepCopy()
	}
	if op.Revision != "" && spec.Source != nil {
		spec.Source.TargetRevision = op.Revision
	}
	for i, rev := range op.Revisions {
		if i < len(spec.Sources) && rev != "" {
			spec.Sources[i].TargetRevision = rev
		}
	}
	return spec
}

// atRevisions reports whether an operation asks for nothing but the
// revisions already rendered (an automated sync): no second render.
func atRevisions(op *v1alpha1.SyncOperation, revisions []string) bool {
	if op.Source != nil || len(op.Sources) > 0 {
		return false
	}
	if len(op.Revisions) > 0 {
		return slices.Equal(op.Revisions, revisions)
	}
	return len(revisions) == 1 && op.Revision == revisions[0]
}

// orphansOf are the app's live objects that a sync of targets would leave
// behind: the objects no longer desired and the current targets that the
// operation's targets lack.
func orphansOf(st *state, targets []*unstructured.Unstructured) []*unstructured.Unstructured {
	want := map[object.ID]bool{}
	for _, t := range targets {
		want[object.IDOf(t)] = true
	}
	var out []*unstructured.Unstructured
	for _, o := range st.orphans {
		if !want[object.IDOf(o)] {
			out = append(out, o)
		}
	}
	for id, live := range st.live {
		if live != nil && !want[id] && ownTrackingID(live, st.instance) {
			out = append(out, live)
		}
	}
	return out
}

// heldBy names the operator of a rollback hold on the automated sync the
// hold brings about (initiatedBy.username, automated kept): the history
// entry and the operation then say who rolled the app back, not only
// "automated".
func heldBy(op *v1alpha1.Operation, hold *Hold) {
	if op != nil && hold != nil && hold.By != "" && op.InitiatedBy.Automated {
		op.InitiatedBy.Username = hold.By
	}
}
