package sync

import (
	"fmt"
	"slices"
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

// Helm's hook annotations. Argo CD reads them on every object, whatever
// rendered it (a Helm chart, or plain YAML copied from one), when the
// object has no Argo CD annotation of the same meaning.
const (
	helmHook             = "helm.sh/hook"
	helmHookDeletePolicy = "helm.sh/hook-delete-policy"
	helmHookWeight       = "helm.sh/hook-weight"
)

// helmHookPhases are the sync phases of Helm hook types; a Helm hook of
// any other type (test, pre-delete, rollback hooks) never runs in a sync.
var helmHookPhases = map[string]v1alpha1.SyncPhase{
	"pre-install":  v1alpha1.SyncPhasePreSync,
	"pre-upgrade":  v1alpha1.SyncPhasePreSync,
	"post-install": v1alpha1.SyncPhasePostSync,
	"post-upgrade": v1alpha1.SyncPhasePostSync,
}

// helmDeletePolicies are the delete policies of Helm's names for them.
var helmDeletePolicies = map[string]string{
	"before-hook-creation": DeleteBeforeHookCreation,
	"hook-succeeded":       DeleteHookSucceeded,
	"hook-failed":          DeleteHookFailed,
}

// IsHook reports whether obj is a hook: it has the hook annotation (even
// one of phases that never run in a sync, such as Skip) or Helm's.
func IsHook(obj *unstructured.Unstructured) bool {
	ann := obj.GetAnnotations()
	_, argo := ann[AnnotationHook]
	return argo || isHelmHook(ann)
}

// isHelmHook: Helm's hook annotation makes a hook, except crd-install,
// which Helm uses to mark CRDs and Argo CD syncs as an ordinary object
// (gitops-engine pkg/sync/hook/helm IsHook; Argo CD docs, "Helm hooks").
func isHelmHook(ann map[string]string) bool {
	v, ok := ann[helmHook]
	return ok && v != "crd-install"
}

// Phases are the sync phases an object runs in: Sync for an ordinary
// object, each listed phase for a hook (PreSync, Sync, PostSync,
// SyncFail), none for a hook that never runs in a sync (Skip, PreDelete,
// PostDelete). A Helm hook without the Argo CD annotation runs in the
// phases of its Helm types: pre-install and pre-upgrade in PreSync,
// post-install and post-upgrade in PostSync.
func Phases(obj *unstructured.Unstructured) []v1alpha1.SyncPhase {
	ann := obj.GetAnnotations()
	if hook, ok := ann[AnnotationHook]; ok {
		var out []v1alpha1.SyncPhase
		for _, h := range strings.Split(hook, ",") {
			switch p := v1alpha1.SyncPhase(strings.TrimSpace(h)); p {
			case v1alpha1.SyncPhasePreSync, v1alpha1.SyncPhaseSync, v1alpha1.SyncPhasePostSync, v1alpha1.SyncPhaseSyncFail:
				out = append(out, p)
			}
		}
		return out
	}
	if hook := ann[helmHook]; isHelmHook(ann) {
		var out []v1alpha1.SyncPhase
		for _, h := range strings.Split(hook, ",") {
			if p, ok := helmHookPhases[strings.TrimSpace(h)]; ok && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	return []v1alpha1.SyncPhase{v1alpha1.SyncPhaseSync}
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

// hasDeletePolicy reports whether a hook has a delete policy, in Argo CD's
// annotation or in Helm's (both count, as in Argo CD); a hook without any
// has BeforeHookCreation, Argo CD's default.
func hasDeletePolicy(obj *unstructured.Unstructured, policy string) bool {
	ann := obj.GetAnnotations()
	argo, hasArgo := ann[AnnotationDeletePolicy]
	helm, hasHelm := ann[helmHookDeletePolicy]
	if !hasArgo && !hasHelm {
		return policy == DeleteBeforeHookCreation
	}
	for _, p := range strings.Split(argo, ",") {
		if strings.TrimSpace(p) == policy {
			return true
		}
	}
	for _, p := range strings.Split(helm, ",") {
		if helmDeletePolicies[strings.TrimSpace(p)] == policy {
			return true
		}
	}
	return false
}
