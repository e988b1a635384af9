package project

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// OrphanIgnored reports whether an entry of orphanedResources.ignore covers
// objects of kind gk named name: an entry matches when its kind is empty or
// matches, its group matches ("" is the core group only) and its name is
// empty or matches, all globs. The caller also leaves out what NeverOrphaned
// names and, as Argo CD does, the namespaced kinds that CheckResource
// refuses.
func OrphanIgnored(p *v1alpha1.AppProject, gk schema.GroupKind, name string) bool {
	if p.Spec.OrphanedResources == nil {
		return false
	}
	for _, e := range p.Spec.OrphanedResources.Ignore {
		if (e.Kind == "" || globHit(e.Kind, false, gk.Kind)) &&
			globHit(e.Group, false, gk.Group) &&
			(e.Name == "" || globHit(e.Name, false, name)) {
			return true
		}
	}
	return false
}

// NeverOrphaned reports the objects Kubernetes makes in every namespace,
// which are never orphans whatever the project says: the ServiceAccount
// "default", the ConfigMap "kube-root-ca.crt" and the Service "kubernetes"
// in namespace "default".
func NeverOrphaned(gk schema.GroupKind, namespace, name string) bool {
	if gk.Group != "" {
		return false
	}
	switch {
	case gk.Kind == "ServiceAccount" && name == "default",
		gk.Kind == "ConfigMap" && name == "kube-root-ca.crt",
		gk.Kind == "Service" && name == "kubernetes" && namespace == "default":
		return true
	}
	return false
}

// WarnOrphans reports whether applications of the project get a warning
// condition for orphaned objects: only when orphanedResources is set with
// warn: true. An orphanedResources without warn monitors orphans (they show
// in the resource tree) without warning, as Argo CD's IsWarn reads it.
func WarnOrphans(p *v1alpha1.AppProject) bool {
	o := p.Spec.OrphanedResources
	return o != nil && o.Warn != nil && *o.Warn
}
