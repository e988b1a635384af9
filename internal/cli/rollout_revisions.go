package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// renderRevisions writes the Revisions table: for each revision, newest
// first, its ReplicaSets with their pods, then its AnalysisRuns with one
// row per metric, then its Experiments. Objects without a revision
// annotation come last, under "revision -". Nothing is written when the
// Rollout owns nothing.
func renderRevisions(out io.Writer, v *rolloutView, now time.Time) error {
	if len(v.ReplicaSets)+len(v.Runs)+len(v.Experiments) == 0 {
		return nil
	}
	revs := map[int64]bool{}
	for _, rs := range v.ReplicaSets {
		revs[revisionOf(rs.Annotations)] = true
	}
	for _, r := range v.Runs {
		revs[revisionOf(r.Annotations)] = true
	}
	for _, e := range v.Experiments {
		revs[revisionOf(e.Annotations)] = true
	}
	rss := sortedReplicaSets(v.ReplicaSets)
	runs := sortedByCreation(v.Runs, func(r v1alpha1.AnalysisRun) metav1.ObjectMeta { return r.ObjectMeta })
	exps := sortedByCreation(v.Experiments, func(e v1alpha1.Experiment) metav1.ObjectMeta { return e.ObjectMeta })

	fmt.Fprintln(out, "\nRevisions:")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  NAME\tKIND\tSTATUS\tINFO")
	for _, rev := range sortedRevisions(revs) { // 0, unannotated, sorts last

		if rev == 0 {
			fmt.Fprintln(w, "  revision -\t\t\t")
		} else {
			fmt.Fprintf(w, "  revision %d\t\t\t\n", rev)
		}
		for _, rs := range rss {
			if revisionOf(rs.Annotations) == rev {
				writeReplicaSet(w, v, rs, now)
			}
		}
		for _, r := range runs {
			if revisionOf(r.Annotations) == rev {
				writeAnalysisRun(w, &r)
			}
		}
		for _, e := range exps {
			if revisionOf(e.Annotations) == rev {
				fmt.Fprintf(w, "    %s\tExperiment\t%s\t%s\n", e.Name, orDash(string(e.Status.Phase)), e.Status.Message)
			}
		}
	}
	return w.Flush()
}

// writeReplicaSet writes a ReplicaSet's row and one row per pod it controls.
func writeReplicaSet(w io.Writer, v *rolloutView, rs *appsv1.ReplicaSet, now time.Time) {
	hash := replicas.PodTemplateHash(rs)
	var info []string
	info = append(info, replicaSetMarkers(v.Rollout, hash)...)
	if hash != "" {
		info = append(info, "hash "+hash)
	}
	spec := int32(0)
	if rs.Spec.Replicas != nil {
		spec = *rs.Spec.Replicas
	}
	info = append(info, fmt.Sprintf("replicas %d, ready %d, available %d", spec, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas))
	if d, ok := rs.Annotations[v1alpha1.AnnotationScaleDownDeadline]; ok && d != "" {
		info = append(info, scaleDownDelay(d, now))
	}
	fmt.Fprintf(w, "    %s\tReplicaSet\t%s\t%s\n", rs.Name, replicaSetStatus(rs), strings.Join(info, "; "))

	var pods []corev1.Pod
	for _, p := range v.Pods {
		if ref := metav1.GetControllerOf(&p); ref != nil && ref.UID == rs.UID {
			pods = append(pods, p)
		}
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	for _, p := range pods {
		status, ready, restarts := podStatus(&p)
		fmt.Fprintf(w, "      %s\tPod\t%s\tready %s, restarts %d\n", p.Name, status, ready, restarts)
	}
}

// writeAnalysisRun writes an AnalysisRun's row, with its measurement
// tallies, then one row per metric: its phase, tallies, and the last
// measurement's value and message.
func writeAnalysisRun(w io.Writer, r *v1alpha1.AnalysisRun) {
	var ok, bad int32
	for _, m := range r.Status.MetricResults {
		ok += m.Successful
		bad += m.Failed
	}
	info := fmt.Sprintf("✔ %d ✖ %d", ok, bad)
	if r.Status.Message != "" {
		info += "; " + r.Status.Message
	}
	fmt.Fprintf(w, "    %s\tAnalysisRun\t%s\t%s\n", r.Name, orDash(string(r.Status.Phase)), info)
	for _, m := range r.Status.MetricResults {
		info := fmt.Sprintf("successful %d, failed %d, inconclusive %d, error %d", m.Successful, m.Failed, m.Inconclusive, m.Error)
		if n := len(m.Measurements); n > 0 {
			last := m.Measurements[n-1]
			value := last.Value
			if value == "" {
				value = orDash(string(last.Phase))
			}
			info += "; last " + value
			if last.Message != "" {
				info += fmt.Sprintf(" (%s)", last.Message)
			}
		}
		if m.DryRun {
			info += "; dry run"
		}
		fmt.Fprintf(w, "      %s\tmetric\t%s\t%s\n", m.Name, orDash(string(m.Phase)), info)
	}
}

// replicaSetStatus sums a ReplicaSet up as Argo Rollouts' plugin does:
// Progressing until it observed its generation and all its pods are
// available, ReplicaFailure when pods cannot be created, ScaledDown at
// zero replicas, else Healthy.
func replicaSetStatus(rs *appsv1.ReplicaSet) string {
	if rs.Generation > rs.Status.ObservedGeneration {
		return "Progressing"
	}
	for _, c := range rs.Status.Conditions {
		if c.Type == appsv1.ReplicaSetReplicaFailure && c.Status == corev1.ConditionTrue {
			return string(appsv1.ReplicaSetReplicaFailure)
		}
	}
	if rs.Spec.Replicas != nil && rs.Status.AvailableReplicas < *rs.Spec.Replicas {
		return "Progressing"
	}
	if rs.Spec.Replicas != nil && *rs.Spec.Replicas == 0 {
		return "ScaledDown"
	}
	return "Healthy"
}

// podStatus is a pod's status as kubectl shows it (the phase, or the
// reason a container waits or ended, or Terminating), its ready
// containers out of all, and its restarts.
func podStatus(p *corev1.Pod) (status, ready string, restarts int32) {
	status = string(p.Status.Phase)
	if p.Status.Reason != "" {
		status = p.Status.Reason
	}
	n := 0
	for _, c := range p.Status.ContainerStatuses {
		restarts += c.RestartCount
		switch {
		case c.Ready:
			n++
		case c.State.Waiting != nil && c.State.Waiting.Reason != "":
			status = c.State.Waiting.Reason
		case c.State.Terminated != nil && c.State.Terminated.Reason != "":
			status = c.State.Terminated.Reason
		}
	}
	if p.DeletionTimestamp != nil {
		status = "Terminating"
	}
	return orDash(status), fmt.Sprintf("%d/%d", n, len(p.Spec.Containers)), restarts
}

// scaleDownDelay describes a scale-down-deadline annotation relative to
// now: "scale-down in 25s", "scale-down due", or the raw value when it
// is not RFC 3339.
func scaleDownDelay(deadline string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, deadline)
	if err != nil {
		return "scale-down deadline " + deadline
	}
	if d := t.Sub(now); d > 0 {
		return "scale-down in " + d.Truncate(time.Second).String()
	}
	return "scale-down due"
}

// sortedReplicaSets is rss, newest revision first, ties by name.
func sortedReplicaSets(rss []appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	out := make([]*appsv1.ReplicaSet, len(rss))
	for i := range rss {
		out[i] = &rss[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := revisionOf(out[i].Annotations), revisionOf(out[j].Annotations)
		if ri != rj {
			return ri > rj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// sortedByCreation is a copy of items, oldest first, ties by name.
func sortedByCreation[T any](items []T, meta func(T) metav1.ObjectMeta) []T {
	out := append([]T(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := meta(out[i]), meta(out[j])
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.CreationTimestamp.Before(&b.CreationTimestamp)
		}
		return a.Name < b.Name
	})
	return out
}
