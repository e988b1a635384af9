package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/health"
)

// Cluster is what a sync does to a cluster.
type Cluster interface {
	// Apply server-side-applies obj and returns the result.
	Apply(ctx context.Context, obj *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error)
	// Create creates obj (hooks).
	Create(ctx context.Context, obj *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error)
	// Replace replaces obj: an update over the live object, or a create.
	Replace(ctx context.Context, obj, live *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error)
	// Delete deletes obj with a propagation policy.
	Delete(ctx context.Context, obj *unstructured.Unstructured, policy metav1.DeletionPropagation) error
	// Get reads obj from the API server; nil when it does not exist.
	Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
}

// WriteOptions tune one write.
type WriteOptions struct {
	// SkipValidation drops unknown fields instead of failing (Validate=false);
	// by default the server rejects them, as kubectl's strict validation.
	SkipValidation bool
}

// Runner advances syncs. A sync is a state machine kept in the
// application's operation state: each Step applies what the current group
// needs and returns without waiting, so a restarted controller resumes where
// the last one stopped.
type Runner struct {
	Cluster Cluster
	// Health overrides (Lua checks).
	Health health.Overrides
}

// errNotYet marks a task that cannot start yet: its kind is not served
// until a CRD of the same sync is established.
var errNotYet = errors.New("kind not served yet")

// Step advances the sync. It returns Running while a group waits (for
// health or a hook), Succeeded when every group is done, or Failed.
func (r *Runner) Step(ctx context.Context, plan *Plan, result *v1alpha1.SyncOperationResult) (v1alpha1.OperationPhase, string) {
	results := map[string]*v1alpha1.ResourceResult{}
	for _, rr := range result.Resources {
		results[resultKey(rr)] = rr
	}
	for gi, group := range plan.Groups {
		waiting := 0
		for _, task := range group {
			rr := results[task.Key()]
			if rr == nil {
				var err error
				rr, err = r.start(ctx, task, plan)
				if errors.Is(err, errNotYet) {
					waiting++
					continue
				}
				result.Resources = append(result.Resources, rr)
				results[task.Key()] = rr
				if err != nil {
					return v1alpha1.OperationFailed, err.Error()
				}
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

// RunFailHooks creates the SyncFail hooks of a failed sync, replacing the
// objects of an earlier failure, and records them in the result.
func (r *Runner) RunFailHooks(ctx context.Context, hooks []*unstructured.Unstructured, result *v1alpha1.SyncOperationResult) error {
	var errs []error
	for _, h := range hooks {
		rr, err := r.start(ctx, &Task{Target: h, Phase: v1alpha1.SyncPhaseSyncFail, Hook: true}, &Plan{})
		if rr != nil {
			result.Resources = append(result.Resources, rr)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func describe(t *Task) string {
	switch {
	case t.Prune:
		return "prunes"
	case t.Hook:
		return fmt.Sprintf("hook phase %s", t.Phase)
	}
	return fmt.Sprintf("wave %d", t.Wave)
}

func resultKey(rr *v1alpha1.ResourceResult) string {
	return strings.Join([]string{rr.Group, rr.Kind, rr.Namespace, rr.Name, string(rr.SyncPhase)}, "/")
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

// start performs a task's change and records it.
func (r *Runner) start(ctx context.Context, t *Task, plan *Plan) (*v1alpha1.ResourceResult, error) {
	rr := newResult(t)
	o := t.Obj()
	fail := func(err error) (*v1alpha1.ResourceResult, error) {
		rr.Status, rr.Message = v1alpha1.ResultCodeSyncFailed, err.Error()
		if t.Hook {
			rr.HookPhase = v1alpha1.OperationFailed
		}
		return rr, fmt.Errorf("%s %s/%s: %w", o.GetKind(), o.GetNamespace(), o.GetName(), err)
	}
	switch {
	case t.Prune && t.Skip:
		rr.Status, rr.Message = v1alpha1.ResultCodePruneSkipped, "ignored (requires pruning)"
	case t.Prune:
		policy := plan.Propagation
		if policy == "" {
			policy = metav1.DeletePropagationForeground
		}
		if err := r.Cluster.Delete(ctx, t.Live, policy); err != nil {
			return fail(err)
		}
		rr.Status, rr.Message = v1alpha1.ResultCodePruned, "pruned"
	case t.Hook:
		// A hook object left by an earlier sync is replaced (BeforeHookCreation,
		// the default) or kept; either way this sync creates its own.
		previous, err := r.Cluster.Get(ctx, t.Target)
		if err != nil {
			return fail(err)
		}
		if previous != nil && hasDeletePolicy(t.Target, "BeforeHookCreation", true) {
			if err := r.Cluster.Delete(ctx, previous, metav1.DeletePropagationBackground); err != nil {
				return fail(err)
			}
			if err := r.waitGone(ctx, t.Target); err != nil {
				return fail(err)
			}
		}
		if t.written, err = r.Cluster.Create(ctx, t.Target, t.write()); err != nil {
			return fail(err)
		}
		rr.Status, rr.HookPhase, rr.Message = v1alpha1.ResultCodeSynced, v1alpha1.OperationRunning, "created"
	default:
		var err error
		if t.Replace {
			t.written, err = r.Cluster.Replace(ctx, t.Target, t.Live, t.write())
		} else {
			t.written, err = r.Cluster.Apply(ctx, t.Target, t.write())
		}
		if isNoMatch(err) && plan.defines(o.GroupVersionKind().GroupKind()) {
			return nil, errNotYet // its CRD, in this sync, is not established yet
		}
		recreated := false
		if err != nil && t.Force && t.Live != nil && apierrors.IsInvalid(err) {
			// Force=true: a change the server refuses (an immutable field)
			// is made by deleting the object and creating it again.
			if t.written, err = r.recreate(ctx, t); err == nil {
				recreated = true
			}
		}
		if err != nil {
			return fail(err)
		}
		verb := "configured"
		if recreated {
			verb = "replaced"
		}
		if t.Live == nil {
			verb = "created"
		}
		rr.Status, rr.Message = v1alpha1.ResultCodeSynced, fmt.Sprintf("%s/%s %s", strings.ToLower(o.GetKind()), o.GetName(), verb)
	}
	rr.Images = Images(o)
	return rr, nil
}

// isNoMatch reports an unknown kind, such as one whose CRD was just applied.
func isNoMatch(err error) bool {
	var kindErr *meta.NoKindMatchError
	var resErr *meta.NoResourceMatchError
	return errors.As(err, &kindErr) || errors.As(err, &resErr)
}

// recreate deletes a task's live object, waits until it is gone and creates
// the target.
func (r *Runner) recreate(ctx context.Context, t *Task) (*unstructured.Unstructured, error) {
	if err := r.Cluster.Delete(ctx, t.Live, metav1.DeletePropagationForeground); err != nil {
		return nil, fmt.Errorf("force: delete: %w", err)
	}
	if err := r.waitGone(ctx, t.Target); err != nil {
		return nil, fmt.Errorf("force: %w", err)
	}
	return r.Cluster.Create(ctx, t.Target, t.write())
}

// waitGone waits briefly for a deleted hook object to disappear.
func (r *Runner) waitGone(ctx context.Context, obj *unstructured.Unstructured) error {
	for range 50 {
		still, err := r.Cluster.Get(ctx, obj)
		if err != nil || still == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s %s is still being deleted", obj.GetKind(), obj.GetName())
}

// finished reports whether a started task is complete: prunes at once,
// hooks when they succeed, resources when they are no longer Progressing.
func (r *Runner) finished(ctx context.Context, t *Task, rr *v1alpha1.ResourceResult) (bool, error) {
	if t.Prune {
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
	st, _ := health.Of(live, r.Health)
	if st == nil {
		return true, nil
	}
	o := t.Target
	switch st.Code {
	case v1alpha1.HealthStatusHealthy, v1alpha1.HealthStatusSuspended:
		if t.Hook {
			rr.HookPhase, rr.Message = v1alpha1.OperationSucceeded, st.Message
			if hasDeletePolicy(o, "HookSucceeded", false) {
				_ = r.Cluster.Delete(ctx, live, metav1.DeletePropagationBackground)
			}
		}
		return true, nil
	case v1alpha1.HealthStatusDegraded:
		if t.Hook {
			rr.HookPhase, rr.Message = v1alpha1.OperationFailed, st.Message
			if hasDeletePolicy(o, "HookFailed", false) {
				_ = r.Cluster.Delete(ctx, live, metav1.DeletePropagationBackground)
			}
			return false, fmt.Errorf("hook %s %s failed: %s", o.GetKind(), o.GetName(), st.Message)
		}
		return false, fmt.Errorf("%s %s/%s is Degraded: %s", o.GetKind(), o.GetNamespace(), o.GetName(), st.Message)
	}
	return false, nil
}

// hasDeletePolicy reports whether a hook has a delete policy; def is the
// answer for a hook without any policy (BeforeHookCreation is the default).
func hasDeletePolicy(obj *unstructured.Unstructured, policy string, def bool) bool {
	v, ok := obj.GetAnnotations()[AnnotationDeletePol]
	if !ok {
		return def
	}
	for _, p := range strings.Split(v, ",") {
		if strings.TrimSpace(p) == policy {
			return true
		}
	}
	return false
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
