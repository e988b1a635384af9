package project

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// CheckResource returns a *Violation unless the project lets an application
// deploy an object of kind gk named name; namespaced tells which lists
// apply. Group, kind and name patterns are shell globs ("*" for any).
//
// A cluster-scoped object (the Namespace that CreateNamespace makes too)
// must match an entry of clusterResourceWhitelist, by group, kind and, when
// the entry has one, name glob, and no entry of clusterResourceBlacklist: an
// absent or empty whitelist allows no cluster-scoped kind.
//
// A namespaced object must match namespaceResourceWhitelist when the
// project has one (absent: every kind; present but empty, `[]`: none) and
// no entry of namespaceResourceBlacklist.
func CheckResource(p *v1alpha1.AppProject, gk schema.GroupKind, name string, namespaced bool) error {
	subject := resourceSubject(gk, name)
	s := p.Spec
	if namespaced {
		if s.NamespaceResourceWhitelist != nil && !kindListed(gk, s.NamespaceResourceWhitelist, false) {
			reason := "is not in namespaceResourceWhitelist"
			if len(s.NamespaceResourceWhitelist) == 0 {
				reason = "is not allowed: namespaceResourceWhitelist is empty, which allows no namespaced kind"
			}
			return violation(p.Name, RuleNamespaceResourceWhitelist, subject, reason)
		}
		if kindListed(gk, s.NamespaceResourceBlacklist, true) {
			return violation(p.Name, RuleNamespaceResourceBlacklist, subject, "is in namespaceResourceBlacklist")
		}
		return nil
	}
	if !namedListed(gk, name, s.ClusterResourceWhitelist, false) {
		reason := "is not in clusterResourceWhitelist"
		if len(s.ClusterResourceWhitelist) == 0 {
			reason = "is not allowed: clusterResourceWhitelist is empty, which allows no cluster-scoped kind"
		}
		return violation(p.Name, RuleClusterResourceWhitelist, subject, reason)
	}
	if namedListed(gk, name, s.ClusterResourceBlacklist, true) {
		return violation(p.Name, RuleClusterResourceBlacklist, subject, "is in clusterResourceBlacklist")
	}
	return nil
}

// resourceSubject names an object as `apps/Deployment "web"`, or
// `Namespace "team-a"` for the core group.
func resourceSubject(gk schema.GroupKind, name string) string {
	if gk.Group == "" {
		return fmt.Sprintf("%s %q", gk.Kind, name)
	}
	return fmt.Sprintf("%s/%s %q", gk.Group, gk.Kind, name)
}

// kindListed reports whether an entry of list matches gk; deny says the
// list denies, so that a malformed pattern counts as a match.
func kindListed(gk schema.GroupKind, list []metav1.GroupKind, deny bool) bool {
	for _, e := range list {
		if pathHit(e.Group, deny, gk.Group) && pathHit(e.Kind, deny, gk.Kind) {
			return true
		}
	}
	return false
}

// namedListed is kindListed for entries with an optional name glob.
func namedListed(gk schema.GroupKind, name string, list []v1alpha1.ClusterResourceRestrictionItem, deny bool) bool {
	for _, e := range list {
		if pathHit(e.Group, deny, gk.Group) && pathHit(e.Kind, deny, gk.Kind) &&
			(e.Name == "" || pathHit(e.Name, deny, name)) {
			return true
		}
	}
	return false
}
