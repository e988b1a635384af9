package replicas

import (
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// OtherScaleDown is the new spec.replicas of the other ReplicaSets of a
// basic canary (neither stable nor canary, see Others), by name, for those
// that change (Argo Rollouts' scaleDownOldReplicaSetsForCanary without
// traffic routing, and cleanupUnhealthyReplicas). all is every ReplicaSet
// of the Rollout.
//
// Pods that are not available go first: each other ReplicaSet is brought
// down to its available pods, oldest first; one with more available pods
// than it asks for is still scaling down and ends the pass there, as in
// Argo. Then, while the available pods of all
// ReplicaSets exceed spec.replicas-maxUnavailable, the excess is taken
// from the others, highest revision first, down to zero. Under traffic
// routing the others wait for their scale-down delay instead, which is
// the controller's to time.
func OtherScaleDown(ro *v1alpha1.Rollout, all, others []*appsv1.ReplicaSet) map[string]int32 {
	active := ActiveReplicaSets(others)
	if sumSpec(active) == 0 {
		return nil
	}
	scaled := map[string]int32{}
	size := func(rs *appsv1.ReplicaSet) int32 {
		if n, ok := scaled[rs.Name]; ok {
			return n
		}
		return specReplicas(rs)
	}
	for _, rs := range byCreation(active) {
		avail := rs.Status.AvailableReplicas
		if avail > specReplicas(rs) {
			// Pods still going away: Argo stops here for this pass.
			return scaled
		}
		if avail < specReplicas(rs) {
			scaled[rs.Name] = avail
		}
	}
	budget := sumAvailable(all) - (Replicas(ro) - MaxUnavailable(ro))
	for _, rs := range byRevisionDescending(active) {
		if budget <= 0 {
			break
		}
		n := size(rs)
		if n == 0 {
			continue
		}
		target := max(0, n-budget)
		scaled[rs.Name] = target
		budget -= n - target
	}
	return scaled
}

// byRevisionDescending is rss, highest revision first, the later created
// first among equal revisions (Argo Rollouts' ReplicaSetsByRevisionNumber,
// reversed). ReplicaSets without a readable revision come last.
func byRevisionDescending(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	sorted := append([]*appsv1.ReplicaSet(nil), rss...)
	revision := func(rs *appsv1.ReplicaSet) int64 {
		n, err := strconv.ParseInt(rs.Annotations[AnnotationRevision], 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		ri, rj := revision(sorted[i]), revision(sorted[j])
		if ri != rj {
			return ri > rj
		}
		a, b := sorted[i], sorted[j]
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return b.CreationTimestamp.Before(&a.CreationTimestamp)
		}
		return a.Name > b.Name
	})
	return sorted
}
