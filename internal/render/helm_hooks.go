package render

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Annotations of Helm hooks and of the Argo CD hooks they map to.
const (
	helmHook             = "helm.sh/hook"
	helmHookWeight       = "helm.sh/hook-weight"
	helmHookDeletePolicy = "helm.sh/hook-delete-policy"
	argoHook             = "argocd.argoproj.io/hook"
	argoHookDeletePolicy = "argocd.argoproj.io/hook-delete-policy"
	argoSyncWave         = "argocd.argoproj.io/sync-wave"
)

var helmToArgoHook = map[string]string{
	"crd-install":  "PreSync",
	"pre-install":  "PreSync",
	"pre-upgrade":  "PreSync",
	"post-install": "PostSync",
	"post-upgrade": "PostSync",
}

var helmToArgoDeletePolicy = map[string]string{
	"before-hook-creation": "BeforeHookCreation",
	"hook-succeeded":       "HookSucceeded",
	"hook-failed":          "HookFailed",
}

// mapHelmHook gives a Helm hook the Argo CD hook annotations that mean the
// same, as Argo CD treats Helm hooks: install and upgrade hooks become
// PreSync or PostSync hooks, the hook weight their sync wave; a Helm hook
// with no Argo CD meaning (delete, rollback, test) is skipped. Annotations
// the chart already sets win.
func mapHelmHook(obj *unstructured.Unstructured) {
	ann := obj.GetAnnotations()
	value, ok := ann[helmHook]
	if !ok {
		return
	}
	if _, set := ann[argoHook]; !set {
		var types []string
		seen := map[string]bool{}
		for _, h := range strings.Split(value, ",") {
			if t, ok := helmToArgoHook[strings.TrimSpace(h)]; ok && !seen[t] {
				types, seen[t] = append(types, t), true
			}
		}
		if len(types) == 0 {
			types = []string{"Skip"}
		}
		ann[argoHook] = strings.Join(types, ",")
	}
	if policy, ok := ann[helmHookDeletePolicy]; ok {
		if _, set := ann[argoHookDeletePolicy]; !set {
			var policies []string
			for _, p := range strings.Split(policy, ",") {
				if m, ok := helmToArgoDeletePolicy[strings.TrimSpace(p)]; ok {
					policies = append(policies, m)
				}
			}
			if len(policies) > 0 {
				ann[argoHookDeletePolicy] = strings.Join(policies, ",")
			}
		}
	}
	if w, ok := ann[helmHookWeight]; ok {
		if _, set := ann[argoSyncWave]; !set {
			ann[argoSyncWave] = w
		}
	}
	obj.SetAnnotations(ann)
}
