package sync

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/tracking"
)

// Annotations of hooks.
const (
	// AnnotationHook makes an object a hook of the listed phases
	// ("PreSync,PostSync").
	AnnotationHook = "argocd.argoproj.io/hook"
	// AnnotationDeletePolicy lists when a hook object is deleted:
	// BeforeHookCreation (the default), HookSucceeded, HookFailed.
	AnnotationDeletePolicy = "argocd.argoproj.io/hook-delete-policy"
)

// Hook delete policies (argocd.argoproj.io/hook-delete-policy).
const (
	DeleteBeforeHookCreation = "BeforeHookCreation"
	DeleteHookSucceeded      = "HookSucceeded"
	DeleteHookFailed         = "HookFailed"
)

// IsHook reports whether obj is a hook (it has the hook annotation, even
// one of phases that never run in a sync, such as Skip).
func IsHook(obj *unstructured.Unstructured) bool {
	_, ok := obj.GetAnnotations()[AnnotationHook]
	return ok
}

// Phases are the sync phases an object runs in: Sync for an ordinary
// object, each listed phase for a hook (PreSync, Sync, PostSync,
// SyncFail), none for a hook that never runs in a sync (Skip, PreDelete,
// PostDelete).
func Phases(obj *unstructured.Unstructured) []v1alpha1.SyncPhase {
	hook, isHook := obj.GetAnnotations()[AnnotationHook]
	if !isHook {
		return []v1alpha1.SyncPhase{v1alpha1.SyncPhaseSync}
	}
	var out []v1alpha1.SyncPhase
	for _, h := range strings.Split(hook, ",") {
		switch p := v1alpha1.SyncPhase(strings.TrimSpace(h)); p {
		case v1alpha1.SyncPhasePreSync, v1alpha1.SyncPhaseSync, v1alpha1.SyncPhasePostSync, v1alpha1.SyncPhaseSyncFail:
			out = append(out, p)
		}
	}
	return out
}

// Phase is the first sync phase of an object (see Phases); ok is false for
// hooks that never run in a sync.
func Phase(obj *unstructured.Unstructured) (phase v1alpha1.SyncPhase, ok bool) {
	ps := Phases(obj)
	if len(ps) == 0 {
		return "", false
	}
	return ps[0], true
}

// hookObject is the object a hook creates in one phase of one operation.
// A hook with metadata.generateName and no name gets a name of its own per
// operation and phase, as Argo CD names it (gitops-engine sync_context):
// the generateName, then the first 7 characters of the revision, the phase
// and the operation's start time in Unix seconds, lowercased. So a hook
// runs anew at every sync, one object per phase, and a restarted
// controller finds the same object again. The tracking id follows the name.
func hookObject(obj *unstructured.Unstructured, phase v1alpha1.SyncPhase, revision string, started time.Time) *unstructured.Unstructured {
	if obj.GetName() != "" || obj.GetGenerateName() == "" {
		return obj
	}
	rev := revision
	if len(rev) > 7 {
		rev = rev[:7]
	}
	out := obj.DeepCopy()
	out.SetName(obj.GetGenerateName() + strings.ToLower(fmt.Sprintf("%s-%s-%d", rev, phase, started.UTC().Unix())))
	if id, ok := tracking.Parse(out.GetAnnotations()[tracking.Annotation]); ok {
		tracking.Set(id.App, out)
	}
	return out
}

// hasDeletePolicy reports whether a hook has a delete policy; a hook
// without any has BeforeHookCreation, Argo CD's default.
func hasDeletePolicy(obj *unstructured.Unstructured, policy string) bool {
	v, ok := obj.GetAnnotations()[AnnotationDeletePolicy]
	if !ok {
		return policy == DeleteBeforeHookCreation
	}
	for _, p := range strings.Split(v, ",") {
		if strings.TrimSpace(p) == policy {
			return true
		}
	}
	return false
}
