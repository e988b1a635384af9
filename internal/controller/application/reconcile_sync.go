package application

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// syncOptions merges the app's sync options with the operation's (which win).
func syncOptions(app *v1alpha1.Application, op *v1alpha1.SyncOperation) map[string]string {
	out := map[string]string{}
	var all []string
	if app.Spec.SyncPolicy != nil {
		all = append(all, app.Spec.SyncPolicy.SyncOptions...)
	}
	all = append(all, op.SyncOptions...)
	for _, o := range all {
		if k, v, ok := strings.Cut(strings.TrimSpace(o), "="); ok {
			out[k] = v
		}
	}
	return out
}

// outOfSyncOnly keeps the targets that the comparison found out of sync.
func outOfSyncOnly(targets []*unstructured.Unstructured, resources []v1alpha1.ResourceStatus) []*unstructured.Unstructured {
	synced := map[string]bool{}
	for _, r := range resources {
		if r.Status == v1alpha1.SyncStatusCodeSynced {
			synced[r.Group+"/"+r.Kind+"/"+r.Namespace+"/"+r.Name] = true
		}
	}
	var out []*unstructured.Unstructured
	for _, t := range targets {
		if !synced[key(t)] {
			out = append(out, t)
		}
	}
	return out
}

// namespaceObject is the destination namespace that CreateNamespace=true
// creates, with managedNamespaceMetadata.
func namespaceObject(app *v1alpha1.Application) *unstructured.Unstructured {
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

// defaultHistoryLimit is Argo CD's revisionHistoryLimit default.
const defaultHistoryLimit = 10

// reconcileSync starts an automated sync when one is due, then advances the
// running sync by one step. It reports whether a sync is still running and
// when to look at it again.
func (r *Reconciler) reconcileSync(ctx context.Context, st *state) (time.Duration, bool) {
	app := st.app
	revision := strings.Join(st.revisions, ",")
	if last := app.Status.OperationState; app.Operation == nil && last != nil &&
		(last.Phase == v1alpha1.OperationFailed || last.Phase == v1alpha1.OperationError) {
		st.condition(v1alpha1.ApplicationConditionSyncError, last.Message)
	}
	if app.Operation == nil {
		r.autoSync(st, revision)
	}
	os := app.Status.OperationState
	if os != nil && os.Phase == v1alpha1.OperationTerminating {
		finished := metav1.Now()
		os.Phase, os.Message, os.FinishedAt = v1alpha1.OperationFailed, "Operation terminated", &finished
		app.Operation = nil
		return 0, false
	}
	if app.Operation == nil && (os == nil || os.Phase != v1alpha1.OperationRunning) {
		return 0, false
	}
	if os != nil && os.Phase == v1alpha1.OperationRunning && os.RetryCount > 0 && os.FinishedAt != nil {
		// A retry waits out its backoff from the failure, then starts afresh.
		if wait := retryBackoff(os) - time.Since(os.FinishedAt.Time); wait > 0 {
			return wait, true
		}
		os.FinishedAt = nil
	}
	now := metav1.Now()
	op := app.Operation
	if op == nil {
		op = &os.Operation
	}
	syncOp := op.Sync
	if syncOp == nil {
		syncOp = &v1alpha1.SyncOperation{}
	}
	spec := operationSpec(app, syncOp)
	all, revisions := st.targets, st.revisions
	if spec != nil {
		res, err := render.RenderApp(ctx, r.appRequest(ctx, st, *spec))
		if err != nil {
			st.condition(v1alpha1.ApplicationConditionSyncError, err.Error())
			app.Operation = nil
			if os != nil {
				os.Phase, os.Message = v1alpha1.OperationError, err.Error()
			}
			return 0, false
		}
		all, revisions = managedOnly(st, res.Objects), res.Revisions
		for i, t := range all {
			all[i] = withoutIgnored(ctx, st, t, st.live[key(t)])
		}
	} else {
		spec = &app.Spec
	}
	if app.Operation != nil && (os == nil || os.Phase != v1alpha1.OperationRunning || !equalJSON(os.Operation, *app.Operation)) {
		os = &v1alpha1.OperationState{Operation: *app.Operation, Phase: v1alpha1.OperationRunning, StartedAt: now,
			SyncResult: &v1alpha1.SyncOperationResult{Revision: strings.Join(revisions, ","), Revisions: revisionsOf(spec, revisions)}}
		if spec.Source != nil {
			os.SyncResult.Source = *spec.Source
		}
		os.SyncResult.Sources = spec.Sources
		app.Status.OperationState = os
		who := "automated sync"
		if u := app.Operation.InitiatedBy.Username; u != "" {
			who = "sync by " + u
		}
		r.events.Eventf(app, nil, corev1.EventTypeNormal, "OperationStarted", "Sync",
			"Initiated %s to %s", who, os.SyncResult.Revision)
	}
	opts := syncOptions(app, syncOp)
	targets := selected(all, syncOp.Resources)
	if opts["ApplyOutOfSyncOnly"] == "true" {
		targets = outOfSyncOnly(targets, app.Status.Resources)
	}
	orphans := st.orphans
	if spec != &app.Spec {
		orphans = orphansOf(st, all)
	}
	plan := tsync.NewPlan(targets, func(t *unstructured.Unstructured) *unstructured.Unstructured { return st.live[key(t)] },
		selected(orphans, syncOp.Resources), syncOp.Prune)
	plan.Propagation = map[string]metav1.DeletionPropagation{"foreground": metav1.DeletePropagationForeground,
		"background": metav1.DeletePropagationBackground, "orphan": metav1.DeletePropagationOrphan}[opts["PrunePropagationPolicy"]]
	if opts["Replace"] == "true" {
		for _, g := range plan.Groups {
			for _, t := range g {
				t.Replace = !t.Prune && !t.Hook
			}
		}
	}
	plan.SetOptions(opts)
	if opts["CreateNamespace"] == "true" && app.Spec.Destination.Namespace != "" {
		plan.Prepend(&tsync.Task{Target: namespaceObject(app), Phase: v1alpha1.SyncPhasePreSync, Wave: -1 << 30})
	}
	if msg := sharedResources(st, targets); msg != "" && opts["FailOnSharedResource"] == "true" {
		os.Phase, os.Message = v1alpha1.OperationFailed, msg
	} else if err := preflight(st, plan, os); err != nil {
		os.Phase, os.Message = v1alpha1.OperationFailed, err.Error()
	} else if len(all) == 0 && !allowEmpty(app) && len(orphans) > 0 && syncOp.Prune {
		os.Phase, os.Message = v1alpha1.OperationFailed, "refusing to prune every resource: the render is empty and allowEmpty is off"
	} else if syncOp.DryRun {
		os.Phase, os.Message = v1alpha1.OperationSucceeded, "dry run: nothing changed"
	} else {
		os.Phase, os.Message = st.runner().Step(ctx, plan, os.SyncResult)
	}
	if os.Phase == v1alpha1.OperationRunning {
		return time.Second, true
	}
	if os.Phase == v1alpha1.OperationFailed && retryDue(os) {
		failed := metav1.Now()
		os.RetryCount++
		os.Phase, os.FinishedAt = v1alpha1.OperationRunning, &failed
		os.Message = fmt.Sprintf("retrying attempt #%d in %s: %s", os.RetryCount, retryBackoff(os), os.Message)
		os.SyncResult.Resources = nil
		return retryBackoff(os), true
	}
	finished := metav1.Now()
	os.FinishedAt = &finished
	syncTotal.WithLabelValues(app.Namespace, app.Name, app.Spec.Project, string(os.Phase)).Inc()
	eventType := corev1.EventTypeNormal
	if os.Phase != v1alpha1.OperationSucceeded {
		eventType = corev1.EventTypeWarning
	}
	r.events.Eventf(app, nil, eventType, "OperationCompleted", "Sync", "Sync operation to %s %s: %s",
		os.SyncResult.Revision, strings.ToLower(string(os.Phase)), os.Message)
	if os.Phase == v1alpha1.OperationSucceeded && !syncOp.DryRun {
		appendHistory(app, os)
	} else if os.Phase == v1alpha1.OperationFailed {
		st.condition(v1alpha1.ApplicationConditionSyncError, os.Message)
		if hooks := tsync.FailHooks(all); len(hooks) > 0 {
			if err := st.runner().RunFailHooks(ctx, hooks, os.SyncResult); err != nil {
				os.Message += "; SyncFail hooks: " + err.Error()
			}
		}
	}
	app.Operation = nil
	return 0, false
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
		Sync:        &v1alpha1.SyncOperation{Prune: p.Automated.Prune, SyncOptions: p.SyncOptions},
		InitiatedBy: v1alpha1.OperationInitiator{Automated: true},
	}
	if len(app.Spec.Sources) > 0 {
		op.Sync.Revisions = st.revisions
	} else {
		op.Sync.Revision = revision
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

// retryBackoff is the wait before retry number os.RetryCount: duration
// (default 5s) times factor (default 2) per earlier retry, at most
// maxDuration (default 3m).
func retryBackoff(os *v1alpha1.OperationState) time.Duration {
	d, factor, limit := 5*time.Second, int64(2), 3*time.Minute
	if b := os.Operation.Retry.Backoff; b != nil {
		if v, err := parseDuration(b.Duration); err == nil {
			d = v
		}
		if b.Factor != nil {
			factor = *b.Factor
		}
		if v, err := parseDuration(b.MaxDuration); err == nil {
			limit = v
		}
	}
	for i := int64(1); i < os.RetryCount && d < limit; i++ {
		d *= time.Duration(factor)
	}
	return min(d, limit)
}

// parseDuration reads a Go duration or a number of seconds, as Argo CD does.
func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(s)
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

func revisionsOf(spec *v1alpha1.ApplicationSpec, revisions []string) []string {
	if len(spec.Sources) > 0 {
		return revisions
	}
	return nil
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

// orphansOf are the app's live objects that a sync of targets would leave
// behind: the objects no longer desired and the current targets that the
// operation's targets lack.
func orphansOf(st *state, targets []*unstructured.Unstructured) []*unstructured.Unstructured {
	want := map[string]bool{}
	for _, t := range targets {
		want[key(t)] = true
	}
	var out []*unstructured.Unstructured
	for _, o := range st.orphans {
		if !want[key(o)] {
			out = append(out, o)
		}
	}
	for k, live := range st.live {
		if live != nil && !want[k] && ownTrackingID(live, st.instance) {
			out = append(out, live)
		}
	}
	return out
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

// preflight checks a sync's kinds before its first step changes anything.
func preflight(st *state, plan *tsync.Plan, os *v1alpha1.OperationState) error {
	if len(os.SyncResult.Resources) > 0 {
		return nil // the sync has started
	}
	return plan.Preflight(func(gvk schema.GroupVersionKind) bool {
		_, err := st.dest.live.Mapping(gvk)
		return err == nil
	})
}
