package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
)

// Request is the world as the caller saw it when it asked for the next
// step of an operation: the desired objects at the operation's revision
// and what the comparison found. The runner plans from it at every step,
// so a step always works from the latest live state.
type Request struct {
	// Targets are the desired objects at the operation's revision, hooks
	// included.
	Targets []*unstructured.Unstructured
	// Live returns the live object of a target (nil when it is missing).
	Live func(object.ID) *unstructured.Unstructured
	// Orphans are the live objects the application tracks that Targets
	// lack: what a prune deletes.
	Orphans []*unstructured.Unstructured
	// Synced reports a target the comparison found in sync
	// (ApplyOutOfSyncOnly=true leaves it alone).
	Synced func(object.ID) bool
	// Namespace is the destination namespace that CreateNamespace=true
	// creates, with its managed metadata.
	Namespace *unstructured.Unstructured
	// Shared describes targets that another application tracks
	// ("ConfigMap/x (part of app-b)"); with FailOnSharedResource=true the
	// sync fails before it changes anything.
	Shared []string
	// Served reports whether the cluster serves a kind; the first step
	// fails, naming every object, when one is not (see Plan.Preflight).
	Served func(schema.GroupVersionKind) bool
	// Options are the sync options of the application and the operation,
	// parsed once (ParseOptions(app's, operation's)).
	Options Options
	// Self is the UID of the syncing Application: a target whose live
	// object has it is the app's own manifest (an app that manages
	// itself), applied but never waited for, since its health is the
	// outcome of this very operation.
	Self types.UID
}

// Start begins a sync operation: a Running state whose result records the
// revision (or revisions of a multi-source app) and the sources it syncs.
// Times are in whole seconds, as they read back from the API server.
func Start(op v1alpha1.Operation, result v1alpha1.SyncOperationResult) *v1alpha1.OperationState {
	return &v1alpha1.OperationState{Operation: op, Phase: v1alpha1.OperationRunning,
		StartedAt: metav1.NewTime(now().Truncate(time.Second)), SyncResult: &result}
}

// Errored is an operation that ends at once with phase Error: it could not
// be decided because the application's render or comparison failed (Argo
// CD ends such an operation the same way rather than let it run later
// against another revision). state is the operation's state when it had
// started, nil otherwise.
func Errored(op v1alpha1.Operation, state *v1alpha1.OperationState, err error) *v1alpha1.OperationState {
	if state == nil || state.Phase != v1alpha1.OperationRunning {
		state = Start(op, v1alpha1.SyncOperationResult{})
	}
	finished := metav1.NewTime(now())
	state.Phase, state.Message, state.FinishedAt = v1alpha1.OperationError, err.Error(), &finished
	return state
}

// Advance runs one step of an operation and records it in state: the
// phase, the message, each task's result, the retry count and the end
// time. It never waits: it returns how soon to look again while the
// operation is Running (a watch event may come sooner), and 0 once the
// phase is final.
//
// A Terminating operation ends Failed. A failed step is retried as
// op.retry asks (limit, backoff duration × factor^n up to maxDuration;
// Argo CD's RetryStrategy), each retry starting afresh with new hook
// objects. A sync that fails for good runs its SyncFail hooks.
func (r *Runner) Advance(ctx context.Context, state *v1alpha1.OperationState, req Request) time.Duration {
	if state.Phase == v1alpha1.OperationTerminating {
		finish(state, v1alpha1.OperationFailed, "Operation terminated")
		return 0
	}
	if state.Phase != v1alpha1.OperationRunning {
		return 0
	}
	if state.SyncResult == nil {
		state.SyncResult = &v1alpha1.SyncOperationResult{}
	}
	if state.RetryCount > 0 && state.FinishedAt != nil {
		// A retry waits out its backoff from the failure, then starts afresh.
		if wait := RetryBackoff(state.Operation.Retry, state.RetryCount) - now().Sub(state.FinishedAt.Time); wait > 0 {
			return wait
		}
		state.FinishedAt, state.StartedAt = nil, metav1.NewTime(now().Truncate(time.Second))
	}
	plan := NewPlan(req, state)
	op := state.Operation.Sync
	if op == nil {
		op = &v1alpha1.SyncOperation{}
	}
	var phase v1alpha1.OperationPhase
	var msg string
	switch started := len(state.SyncResult.Resources) > 0; {
	case !started && len(op.Resources) > 0 && len(selected(req.Targets, op.Resources))+len(selected(req.Orphans, op.Resources)) == 0:
		phase, msg = v1alpha1.OperationFailed, "none of the selected resources is part of the application: "+describeSelection(op.Resources)
	case !started && req.Options.FailOnSharedResource && len(req.Shared) > 0:
		phase, msg = v1alpha1.OperationFailed, fmt.Sprintf("shared resources found and FailOnSharedResource is set: %s", strings.Join(req.Shared, ", "))
	case !started && req.Served != nil && plan.Preflight(req.Served) != nil:
		phase, msg = v1alpha1.OperationFailed, plan.Preflight(req.Served).Error()
	case op.DryRun:
		phase, msg = v1alpha1.OperationSucceeded, "dry run: nothing changed"
	default:
		phase, msg = r.Step(ctx, plan, state)
	}
	if phase == v1alpha1.OperationRunning {
		state.Phase, state.Message = phase, msg
		return time.Second
	}
	if phase == v1alpha1.OperationFailed && retryDue(state) {
		state.RetryCount++
		failedAt := metav1.NewTime(now())
		wait := RetryBackoff(state.Operation.Retry, state.RetryCount)
		state.Phase, state.FinishedAt = v1alpha1.OperationRunning, &failedAt
		state.Message = fmt.Sprintf("retrying attempt #%d in %s: %s", state.RetryCount, wait, msg)
		state.SyncResult.Resources = nil
		return wait
	}
	if phase == v1alpha1.OperationFailed && len(plan.FailHooks) > 0 {
		if err := r.runFailHooks(ctx, plan, state); err != nil {
			msg += "; SyncFail hooks: " + err.Error()
		}
	}
	finish(state, phase, msg)
	return 0
}

// describeSelection lists a sync's selected resources as group:kind:name,
// the CLI's --resource form.
func describeSelection(rs []v1alpha1.SyncOperationResource) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Group + ":" + r.Kind + ":" + r.Name
		if r.Namespace != "" {
			out[i] = r.Group + ":" + r.Kind + ":" + r.Namespace + "/" + r.Name
		}
	}
	return strings.Join(out, ", ")
}

func finish(state *v1alpha1.OperationState, phase v1alpha1.OperationPhase, msg string) {
	finished := metav1.NewTime(now())
	state.Phase, state.Message, state.FinishedAt = phase, msg, &finished
}

// RetryBackoff is the wait before retry number n (from 1) of a failed
// sync: backoff.duration (default 5s) times backoff.factor (default 2) per
// earlier retry, at most backoff.maxDuration (default 3m), Argo CD's
// defaults. Durations are Go durations or a number of seconds.
func RetryBackoff(s v1alpha1.RetryStrategy, n int64) time.Duration {
	d, factor, limit := 5*time.Second, int64(2), 3*time.Minute
	if b := s.Backoff; b != nil {
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
	for i := int64(1); i < n && d < limit; i++ {
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

// retryDue reports whether a failed sync has retries left (limit < 0:
// unlimited).
func retryDue(state *v1alpha1.OperationState) bool {
	limit := state.Operation.Retry.Limit
	return limit < 0 || state.RetryCount < limit
}
