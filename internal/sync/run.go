package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/health"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/tracking"
)

// Cluster is what a sync does to a cluster.
type Cluster interface {
	// Apply server-side-applies obj and returns the result.
	Apply(ctx context.Context, obj *unstructured.Unstructured, o cluster.WriteOptions) (*unstructured.Unstructured, error)
	// Create creates obj (hooks).
	Create(ctx context.Context, obj *unstructured.Unstructured, o cluster.WriteOptions) (*unstructured.Unstructured, error)
	// Replace replaces obj: an update over the live object, or a create.
	Replace(ctx context.Context, obj, live *unstructured.Unstructured, o cluster.WriteOptions) (*unstructured.Unstructured, error)
	// Delete deletes obj; deleting an object that is gone is no error.
	Delete(ctx context.Context, obj *unstructured.Unstructured, o cluster.DeleteOptions) error
	// Get reads obj from the API server (or a cache that has seen the
	// sync's own writes); nil when it does not exist.
	Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
}

// Runner carries out sync operations on one cluster. A sync is a state
// machine kept in the operation state: each step applies what the current
// group needs and returns without waiting, so a restarted controller
// resumes where the last one stopped.
type Runner struct {
	Cluster Cluster
	// Health overrides (Lua checks).
	Health health.Overrides
}

// errNotYet marks a task that cannot start yet: its kind is not served
// until a CRD of the same sync is established.
var errNotYet = errors.New("kind not served yet")

// Step advances a sync by one step. It returns Running while a group waits
// (for health, a hook, or a deletion), Succeeded when every group is done,
// or Failed. The result's resources record each task's progress.
func (r *Runner) Step(ctx context.Context, plan *Plan, state *v1alpha1.OperationState) (v1alpha1.OperationPhase, string) {
	result := state.SyncResult
	results := map[resultID]*v1alpha1.ResourceResult{}
	for _, rr := range result.Resources {
		results[resultIDOf(rr)] = rr
	}
	for gi, group := range plan.Groups {
		waiting := 0
		applyOnly := lastApply(plan.Groups, gi)
		for _, task := range group {
			rr := results[task.resultID()]
			var err error
			switch {
			case rr == nil:
				rr, err = r.start(ctx, task, plan, state)
				if errors.Is(err, errNotYet) {
					waiting++
					continue
				}
				result.Resources = append(result.Resources, rr)
				results[task.resultID()] = rr
			case rr.Status == "":
				err = r.resume(ctx, task, rr, state)
			}
			if err != nil {
				return v1alpha1.OperationFailed, err.Error()
			}
			if rr.Status == "" {
				waiting++
				continue
			}
			if applyOnly {
				continue
			}
			done, err := r.finished(ctx, task, rr)
			if err != nil {
				return v1alpha1.OperationFailed, err.Error()
			}
			if !done {
				waiting++
			}
		}
		if waiting > 0 {
			return v1alpha1.OperationRunning, fmt.Sprintf("waiting for completion of %s (%d of %d tasks remaining, group %d of %d)",
				describe(group[0]), waiting, len(group), gi+1, len(plan.Groups))
		}
	}
	return v1alpha1.OperationSucceeded, "successfully synced (all tasks run)"
}

// lastApply reports whether group gi is the sync's last wave with no hook,
// only prunes after it: such a group is done once applied. As
// gitops-engine's sync context, where prunes share their wave, a sync's
// last wave without hooks is an asynchronous apply that succeeds "even if
// those objects subsequently degraded"; their health is the app's, not the
// operation's.
func lastApply(groups [][]*Task, gi int) bool {
	isHook := func(t *Task) bool { return t.Hook }
	isApply := func(t *Task) bool { return !t.Prune }
	if slices.ContainsFunc(groups[gi], isHook) {
		return false
	}
	for _, g := range groups[gi+1:] {
		if slices.ContainsFunc(g, isApply) {
			return false
		}
	}
	return true
}

// runFailHooks creates the SyncFail hooks of a failed sync and records
// them in the result. They are not waited for.
func (r *Runner) runFailHooks(ctx context.Context, plan *Plan, state *v1alpha1.OperationState) error {
	var errs []error
	for _, t := range plan.FailHooks {
		rr, err := r.start(ctx, t, plan, state)
		if rr != nil {
			state.SyncResult.Resources = append(state.SyncResult.Resources, rr)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func resultIDOf(rr *v1alpha1.ResourceResult) resultID {
	return resultID{ID: object.ID{Group: rr.Group, Kind: rr.Kind, Namespace: rr.Namespace, Name: rr.Name}, phase: rr.SyncPhase}
}

func newResult(t *Task) *v1alpha1.ResourceResult {
	o := t.Obj()
	gvk := o.GroupVersionKind()
	rr := &v1alpha1.ResourceResult{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind,
		Namespace: o.GetNamespace(), Name: o.GetName(), SyncPhase: t.Phase}
	if t.Hook {
		rr.HookType = v1alpha1.HookType(t.Phase)
	}
	return rr
}

// taskError names the task's object in an error.
func taskError(t *Task, err error) error {
	o := t.Obj()
	return fmt.Errorf("%s %s/%s: %w", o.GetKind(), o.GetNamespace(), o.GetName(), err)
}

// failed records a failed task.
func failed(t *Task, rr *v1alpha1.ResourceResult, err error) (*v1alpha1.ResourceResult, error) {
	rr.Status, rr.Message = v1alpha1.ResultCodeSyncFailed, err.Error()
	if t.Hook {
		rr.HookPhase = v1alpha1.OperationFailed
	}
	return rr, taskError(t, err)
}

// start performs a task's change and records it. A result with an empty
// status is pending: the task waits for a deletion and resume continues it.
func (r *Runner) start(ctx context.Context, t *Task, plan *Plan, state *v1alpha1.OperationState) (*v1alpha1.ResourceResult, error) {
	rr := newResult(t)
	rr.Images = Images(t.Obj())
	switch {
	case t.Prune:
		return r.prune(ctx, t, rr, plan)
	case t.Hook:
		return r.startHook(ctx, t, rr, state)
	}
	o := t.Target
	var err error
	if t.Options.Replace {
		t.written, err = r.Cluster.Replace(ctx, t.Target, t.Live, t.write())
	} else {
		t.written, err = r.Cluster.Apply(ctx, t.Target, t.write())
	}
	if isNoMatch(err) && plan.defines(o.GroupVersionKind().GroupKind()) {
		return nil, errNotYet // its CRD, in this sync, is not established yet
	}
	if err != nil && t.Options.Force && t.Live != nil && apierrors.IsInvalid(err) {
		// Force=true: a change the server refuses (an immutable field) is
		// made by deleting the object and creating it again once it is gone.
		if err := r.Cluster.Delete(ctx, t.Live, cluster.DeleteOptions{Propagation: metav1.DeletePropagationForeground}); err != nil {
			return failed(t, rr, fmt.Errorf("force: delete: %w", err))
		}
		rr.Message = "deleted, to be created again when it is gone (Force=true)"
		return rr, nil
	}
	if err != nil {
		return failed(t, rr, err)
	}
	verb := "configured"
	if t.Live == nil {
		verb = "created"
	}
	rr.Status, rr.Message = v1alpha1.ResultCodeSynced, fmt.Sprintf("%s/%s %s", strings.ToLower(o.GetKind()), o.GetName(), verb)
	return rr, nil
}

// prune deletes a live object that is no longer desired, unless Prune=false
// forbids it or another application has claimed it since it was read.
func (r *Runner) prune(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult, plan *Plan) (*v1alpha1.ResourceResult, error) {
	if t.Options.NoPrune {
		rr.Status, rr.Message = v1alpha1.ResultCodePruneSkipped, "ignored (requires pruning)"
		return rr, nil
	}
	err := r.Cluster.Delete(ctx, t.Live, cluster.DeleteOptions{Propagation: plan.Propagation, IfUnchanged: true})
	if apierrors.IsConflict(err) {
		// The object changed since the comparison read it: delete it only
		// if it is still this application's.
		current, gerr := r.Cluster.Get(ctx, t.Live)
		switch {
		case gerr != nil:
			err = gerr
		case current == nil:
			err = nil
		case trackedBy(current) != trackedBy(t.Live):
			rr.Status = v1alpha1.ResultCodePruneSkipped
			rr.Message = fmt.Sprintf("not pruned: now tracked by application %q", trackedBy(current))
			return rr, nil
		default:
			err = r.Cluster.Delete(ctx, current, cluster.DeleteOptions{Propagation: plan.Propagation, IfUnchanged: true})
		}
	}
	if err != nil {
		return failed(t, rr, err)
	}
	rr.Status, rr.Message = v1alpha1.ResultCodePruned, "pruned"
	return rr, nil
}

// trackedBy is the application instance in an object's tracking id.
func trackedBy(o *unstructured.Unstructured) string {
	id, _ := tracking.Parse(o.GetAnnotations()[tracking.Annotation])
	return id.App
}

// startHook creates a hook's object for this operation. An object of the
// same name left by an earlier operation is deleted first
// (BeforeHookCreation, the default) and the task waits until it is gone;
// one this operation already created (a controller stopped before it
// recorded the creation) is taken over, so a hook never runs twice.
func (r *Runner) startHook(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult, state *v1alpha1.OperationState) (*v1alpha1.ResourceResult, error) {
	previous, err := r.Cluster.Get(ctx, t.Target)
	if err != nil {
		return failed(t, rr, err)
	}
	if previous != nil {
		if ours(previous, state) {
			t.written = previous
			rr.Status, rr.HookPhase, rr.Message = v1alpha1.ResultCodeSynced, v1alpha1.OperationRunning, "created"
			return rr, nil
		}
		if previous.GetDeletionTimestamp() == nil {
			if !hasDeletePolicy(t.Target, DeleteBeforeHookCreation) {
				return failed(t, rr, fmt.Errorf("an object of this name exists and the hook has no %s delete policy", DeleteBeforeHookCreation))
			}
			if err := r.Cluster.Delete(ctx, previous, cluster.DeleteOptions{Propagation: metav1.DeletePropagationBackground}); err != nil {
				return failed(t, rr, err)
			}
		}
		rr.Message = "waiting for the previous hook object to be deleted"
		return rr, nil
	}
	return r.createHook(ctx, t, rr)
}

func (r *Runner) createHook(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult) (*v1alpha1.ResourceResult, error) {
	var err error
	if t.written, err = r.Cluster.Create(ctx, t.Target, t.write()); err != nil {
		return failed(t, rr, err)
	}
	rr.Status, rr.HookPhase, rr.Message = v1alpha1.ResultCodeSynced, v1alpha1.OperationRunning, "created"
	return rr, nil
}

// ours reports whether a live object was created by the running operation:
// in a later second than the one it started in (times are whole seconds,
// so an object of the very second is never taken for the operation's own)
// and not being deleted.
func ours(live *unstructured.Unstructured, state *v1alpha1.OperationState) bool {
	created := live.GetCreationTimestamp()
	return live.GetDeletionTimestamp() == nil && created.Unix() > state.StartedAt.Unix()
}

// resume continues a pending task, which waits for an object to be gone
// before it creates it (a hook's earlier object, Force=true).
func (r *Runner) resume(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult, state *v1alpha1.OperationState) error {
	current, err := r.Cluster.Get(ctx, t.Target)
	if err != nil {
		return taskError(t, err)
	}
	if current != nil && !ours(current, state) {
		return nil // still being deleted
	}
	if current != nil {
		t.written = current
	} else if t.written, err = r.Cluster.Create(ctx, t.Target, t.write()); err != nil {
		_, err = failed(t, rr, err)
		return err
	}
	rr.Status = v1alpha1.ResultCodeSynced
	if t.Hook {
		rr.HookPhase, rr.Message = v1alpha1.OperationRunning, "created"
	} else {
		rr.Message = fmt.Sprintf("%s/%s replaced", strings.ToLower(t.Target.GetKind()), t.Target.GetName())
	}
	return nil
}

// isNoMatch reports an unknown kind, such as one whose CRD was just applied.
func isNoMatch(err error) bool {
	var kindErr *meta.NoKindMatchError
	var resErr *meta.NoResourceMatchError
	return errors.As(err, &kindErr) || errors.As(err, &resErr)
}

// finished reports whether a started task is complete: prunes at once,
// hooks when they succeed, resources when they are no longer Progressing.
func (r *Runner) finished(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult) (bool, error) {
	if t.Prune || t.NoWait {
		return true, nil
	}
	if t.Hook && rr.HookPhase != v1alpha1.OperationRunning {
		return true, nil
	}
	// Right after its write, the server's answer is the live object: no read.
	live, err := t.written, error(nil)
	if live == nil {
		if live, err = r.Cluster.Get(ctx, t.Target); err != nil {
			return false, err
		}
	}
	if live == nil {
		if t.Hook {
			// Gone before it was seen to succeed: deleted by someone else.
			rr.HookPhase, rr.Message = v1alpha1.OperationFailed, "the hook object was deleted before it completed"
			return false, fmt.Errorf("hook %s %s was deleted before it completed", t.Target.GetKind(), t.Target.GetName())
		}
		return false, nil
	}
	st, _ := health.Of(live, r.Health)
	if st == nil {
		// A kind without health is done once written; a hook of such a
		// kind has succeeded, as in Argo CD.
		st = &health.Status{Code: v1alpha1.HealthStatusHealthy, Message: rr.Message}
	}
	o := t.Target
	switch st.Code {
	case v1alpha1.HealthStatusHealthy, v1alpha1.HealthStatusSuspended:
		if t.Hook {
			rr.HookPhase, rr.Message = v1alpha1.OperationSucceeded, st.Message
			if hasDeletePolicy(o, DeleteHookSucceeded) {
				if err := r.Cluster.Delete(ctx, live, cluster.DeleteOptions{Propagation: metav1.DeletePropagationBackground}); err != nil {
					return false, taskError(t, fmt.Errorf("delete succeeded hook: %w", err))
				}
			}
		}
		return true, nil
	case v1alpha1.HealthStatusDegraded:
		if t.Hook {
			rr.HookPhase, rr.Message = v1alpha1.OperationFailed, st.Message
			if hasDeletePolicy(o, DeleteHookFailed) {
				if err := r.Cluster.Delete(ctx, live, cluster.DeleteOptions{Propagation: metav1.DeletePropagationBackground}); err != nil {
					return false, taskError(t, fmt.Errorf("delete failed hook: %w", err))
				}
			}
			return false, fmt.Errorf("hook %s %s failed: %s", o.GetKind(), o.GetName(), st.Message)
		}
		return false, fmt.Errorf("%s %s/%s is Degraded: %s", o.GetKind(), o.GetNamespace(), o.GetName(), st.Message)
	}
	return false, nil
}

// Images lists the container images of a workload, job or pod.
func Images(obj *unstructured.Unstructured) []string {
	var out []string
	for _, path := range [][]string{{"spec", "template", "spec"}, {"spec", "jobTemplate", "spec", "template", "spec"}, {"spec"}} {
		for _, field := range []string{"initContainers", "containers"} {
			cs, _, _ := unstructured.NestedSlice(obj.Object, append(path, field)...)
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok {
					if img, ok := m["image"].(string); ok {
						out = append(out, img)
					}
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}
