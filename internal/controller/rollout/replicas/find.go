package replicas

import (
	"sort"

	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// Match says which rule found the ReplicaSet of the current template.
type Match string

// The rules FindNew tries, in order.
const (
	// MatchNone: no ReplicaSet has the current template; a new revision is due.
	MatchNone Match = ""
	// MatchHash: the hash label is the hash Rollouts 1.9 computes (hash.PodTemplateHash).
	MatchHash Match = "hash"
	// MatchLegacyHash: the hash label is the hash Rollouts 1.8 computed
	// (hash.LegacyPodTemplateHash). The ReplicaSet is adopted under that
	// name; status.currentPodHash must take the label's value.
	MatchLegacyHash Match = "legacy-hash"
	// MatchTemplate: no label matched, but the ReplicaSet's template equals
	// the Rollout's once the hash label, the injected canary/stable
	// metadata and anti-affinity, and API defaults are set aside. Its label
	// is kept as its name.
	MatchTemplate Match = "template"
)

// FindNew is the ReplicaSet of the Rollout's current pod template, and the
// rule that found it (Argo Rollouts' FindNewReplicaSet): the first, oldest
// first, whose rollouts-pod-template-hash label is the current hash; else
// the first labelled with Rollouts 1.8's hash for the same template; else
// the first whose template is equal (see TemplateEqual). Both hashes take
// status.collisionCount. Argo's own second rule looks for Kubernetes'
// Deployment hash instead, which no Rollouts release wrote on a ReplicaSet
// it created; the 1.8 hash is what a Rollouts upgrade leaves behind.
//
// Whatever the rule, the ReplicaSet keeps its label: that hash is the
// revision's name in Services and status from now on, so the controller
// adopts it without creating a new revision.
func FindNew(ro *v1alpha1.Rollout, rss []*appsv1.ReplicaSet) (*appsv1.ReplicaSet, Match) {
	sorted := byCreation(rss)
	cc := ro.Status.CollisionCount
	if rs := ByHash(sorted, hash.PodTemplateHash(&ro.Spec.Template, cc)); rs != nil {
		return rs, MatchHash
	}
	if rs := ByHash(sorted, hash.LegacyPodTemplateHash(&ro.Spec.Template, cc)); rs != nil {
		return rs, MatchLegacyHash
	}
	for _, rs := range sorted {
		if TemplateEqual(ro, rs) {
			return rs, MatchTemplate
		}
	}
	return nil, MatchNone
}

// FindOld is every ReplicaSet but newRS, compared by UID (Argo Rollouts'
// FindOldReplicaSets).
func FindOld(rss []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var old []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs == nil || (newRS != nil && rs.UID == newRS.UID) {
			continue
		}
		old = append(old, rs)
	}
	return old
}

// Stable is the ReplicaSet labelled with status.stableRS, nil if none
// (Argo Rollouts' GetStableRS); newRS is looked at first.
func Stable(ro *v1alpha1.Rollout, newRS *appsv1.ReplicaSet, rss []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if ro.Status.StableRS == "" {
		return nil
	}
	if PodTemplateHash(newRS) == ro.Status.StableRS {
		return newRS
	}
	return ByHash(rss, ro.Status.StableRS)
}

// ByHash is the ReplicaSet labelled with hash, nil if none or if hash is
// "" (Argo Rollouts' GetReplicaSetByTemplateHash).
func ByHash(rss []*appsv1.ReplicaSet, hash string) *appsv1.ReplicaSet {
	if hash == "" {
		return nil
	}
	for _, rs := range rss {
		if PodTemplateHash(rs) == hash {
			return rs
		}
	}
	return nil
}

// Others is every ReplicaSet that is neither newRS nor stableRS, compared
// by name (Argo Rollouts' GetOtherRSs).
func Others(rss []*appsv1.ReplicaSet, newRS, stableRS *appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var others []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs == nil || (newRS != nil && rs.Name == newRS.Name) || (stableRS != nil && rs.Name == stableRS.Name) {
			continue
		}
		others = append(others, rs)
	}
	return others
}

// ActiveReplicaSets is the ReplicaSets that run, or are asked to run, pods
// (spec.replicas above 0), as Kubernetes' FilterActiveReplicaSets.
func ActiveReplicaSets(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var active []*appsv1.ReplicaSet
	for _, rs := range rss {
		if specReplicas(rs) > 0 {
			active = append(active, rs)
		}
	}
	return active
}

// PodTemplateHash is rs's rollouts-pod-template-hash label, "" if none.
func PodTemplateHash(rs *appsv1.ReplicaSet) string {
	if rs == nil {
		return ""
	}
	return rs.Labels[v1alpha1.LabelPodTemplateHash]
}

// byCreation is rss without nils, oldest first, ties by name (Kubernetes'
// ReplicaSetsByCreationTimestamp).
func byCreation(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	sorted := make([]*appsv1.ReplicaSet, 0, len(rss))
	for _, rs := range rss {
		if rs != nil {
			sorted = append(sorted, rs)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.Name < b.Name
		}
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	})
	return sorted
}
