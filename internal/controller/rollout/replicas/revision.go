package replicas

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
)

// Annotations Argo Rollouts keeps on a revision's ReplicaSet (and, for
// the revision, on the Rollout).
const (
	// AnnotationRevision is the revision number, in decimal.
	AnnotationRevision = "rollout.argoproj.io/revision"
	// AnnotationRevisionHistory lists, comma-separated, the earlier
	// numbers of a revision that was rolled back to.
	AnnotationRevisionHistory = "rollout.argoproj.io/revision-history"
	// AnnotationDesiredReplicas is spec.replicas when the ReplicaSet was
	// last sized for the Rollout.
	AnnotationDesiredReplicas = "rollout.argoproj.io/desired-replicas"
)

// Revision is rs's revision number (Argo Rollouts' Revision): 0 when it
// has none, an error when the annotation is not a number.
func Revision(rs *appsv1.ReplicaSet) (int64, error) {
	v, ok := rs.Annotations[AnnotationRevision]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("replicaset %q: annotation %s: %w", rs.Name, AnnotationRevision, err)
	}
	return n, nil
}

// MaxRevision is the highest revision among rss, 0 if none (Argo
// Rollouts' MaxRevision); a ReplicaSet whose revision cannot be read is
// skipped.
func MaxRevision(rss []*appsv1.ReplicaSet) int64 {
	var highest int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		if n, err := Revision(rs); err == nil && n > highest {
			highest = n
		}
	}
	return highest
}

// NextRevision is the revision the current ReplicaSet should carry: one
// more than the highest of the others (Argo Rollouts'
// syncReplicaSetRevision and getNewReplicaSet). old is every ReplicaSet
// but the current one (see FindOld).
func NextRevision(old []*appsv1.ReplicaSet) int64 {
	return MaxRevision(old) + 1
}

// SetRevision writes revision on rs as Argo Rollouts'
// SetNewReplicaSetAnnotations does, and reports whether rs changed. The
// number only goes up: a ReplicaSet that already has revision or more
// keeps its own (old ReplicaSets may have been deleted since). When a
// revision that had a number gets a new one (a rollback to it), the old
// number is appended to AnnotationRevisionHistory. A number that cannot
// be read on rs leaves it untouched.
func SetRevision(rs *appsv1.ReplicaSet, revision int64) bool {
	old, had := rs.Annotations[AnnotationRevision]
	var oldN int64
	if had && old != "" {
		n, err := strconv.ParseInt(old, 10, 64)
		if err != nil {
			return false
		}
		oldN = n
	}
	if oldN >= revision {
		return false
	}
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[AnnotationRevision] = strconv.FormatInt(revision, 10)
	if had {
		if h := rs.Annotations[AnnotationRevisionHistory]; h != "" {
			rs.Annotations[AnnotationRevisionHistory] = strings.Join([]string{h, old}, ",")
		} else {
			rs.Annotations[AnnotationRevisionHistory] = old
		}
	}
	return true
}
