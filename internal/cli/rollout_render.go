package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// renderRollout writes the human view of v: the Rollout's summary, its
// canary steps, its revisions (ReplicaSets with their pods, AnalysisRuns,
// Experiments), pause conditions and conditions. It reads nothing but v
// and now (for scale-down delays), so the same objects always give the
// same text.
func renderRollout(out io.Writer, v *rolloutView, now time.Time) error {
	var b bytes.Buffer
	if err := renderSections(&b, v, now); err != nil {
		return err
	}
	// Tables pad their empty last cells; trailing blanks help no one.
	lines := strings.SplitAfter(b.String(), "\n")
	for i, l := range lines {
		if body, ok := strings.CutSuffix(l, "\n"); ok {
			lines[i] = strings.TrimRight(body, " ") + "\n"
		}
	}
	_, err := io.WriteString(out, strings.Join(lines, ""))
	return err
}

// renderSections writes the sections of the view, one after another.
func renderSections(out io.Writer, v *rolloutView, now time.Time) error {
	if err := renderSummary(out, v); err != nil {
		return err
	}
	ro := v.Rollout
	if c := ro.Spec.Strategy.Canary; c != nil && len(c.Steps) > 0 {
		fmt.Fprintln(out, "\nSteps:")
		_, cur := replicas.CurrentStep(ro)
		for i, s := range c.Steps {
			mark := "  "
			if cur != nil && int32(i) == *cur {
				mark = "->"
			}
			fmt.Fprintf(out, "%s %d. %s\n", mark, i, describeStep(s))
		}
	}
	if err := renderRevisions(out, v, now); err != nil {
		return err
	}
	if len(ro.Status.PauseConditions) > 0 {
		fmt.Fprintln(out, "\nPause conditions:")
		for _, p := range ro.Status.PauseConditions {
			fmt.Fprintf(out, "  %s since %s\n", p.Reason, p.StartTime.UTC().Format(time.RFC3339))
		}
	}
	if len(ro.Status.Conditions) > 0 {
		fmt.Fprintln(out, "\nConditions:")
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "  TYPE\tSTATUS\tREASON\tMESSAGE")
		for _, c := range ro.Status.Conditions {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", c.Type, c.Status, c.Reason, c.Message)
		}
		return w.Flush()
	}
	return nil
}

// renderSummary writes the Rollout's name, phase, strategy with its
// weights, images and replica counts, as a two-column table.
func renderSummary(out io.Writer, v *rolloutView) error {
	ro := v.Rollout
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Name:\t%s\n", ro.Name)
	fmt.Fprintf(w, "Namespace:\t%s\n", ro.Namespace)
	fmt.Fprintf(w, "Status:\t%s\n", orDash(string(ro.Status.Phase)))
	if ro.Status.Message != "" {
		fmt.Fprintf(w, "Message:\t%s\n", ro.Status.Message)
	}
	fmt.Fprintf(w, "Strategy:\t%s\n", rolloutStrategy(ro))
	if ro.Spec.Strategy.Canary != nil {
		fmt.Fprintf(w, "  Step:\t%s\n", rolloutStep(ro))
		fmt.Fprintf(w, "  SetWeight:\t%d\n", replicas.CurrentSetWeight(ro))
		fmt.Fprintf(w, "  ActualWeight:\t%d\n", actualWeight(v))
	}
	images := rolloutImages(v)
	for i, img := range images {
		label := ""
		if i == 0 {
			label = "Images:"
		}
		fmt.Fprintf(w, "%s\t%s\n", label, img)
	}
	fmt.Fprintln(w, "Replicas:\t")
	fmt.Fprintf(w, "  Desired:\t%d\n", replicas.Replicas(ro))
	fmt.Fprintf(w, "  Current:\t%d\n", ro.Status.Replicas)
	fmt.Fprintf(w, "  Updated:\t%d\n", ro.Status.UpdatedReplicas)
	fmt.Fprintf(w, "  Ready:\t%d\n", ro.Status.ReadyReplicas)
	fmt.Fprintf(w, "  Available:\t%d\n", ro.Status.AvailableReplicas)
	fmt.Fprintf(w, "Paused:\t%t\n", ro.Spec.Paused)
	fmt.Fprintf(w, "Aborted:\t%t\n", ro.Status.Abort)
	fmt.Fprintf(w, "Stable hash:\t%s\n", orDash(ro.Status.StableRS))
	if ro.Spec.Strategy.BlueGreen != nil {
		fmt.Fprintf(w, "Active hash:\t%s\n", orDash(ro.Status.BlueGreen.ActiveSelector))
		fmt.Fprintf(w, "Preview hash:\t%s\n", orDash(ro.Status.BlueGreen.PreviewSelector))
	} else {
		fmt.Fprintf(w, "Canary hash:\t%s\n", orDash(canaryHash(ro)))
	}
	return w.Flush()
}

// canaryHash is the newest revision's hash while it differs from the
// stable one, else "".
func canaryHash(ro *v1alpha1.Rollout) string {
	if ro.Status.CurrentPodHash != ro.Status.StableRS {
		return ro.Status.CurrentPodHash
	}
	return ""
}

// actualWeight is the canary's share of traffic now, as Argo Rollouts'
// plugin works it out: all of it once the steps are done; with traffic
// routing, the weight last written to the router (the set weight before
// any was written); without, the canary's share of the available pods.
func actualWeight(v *rolloutView) int32 {
	ro := v.Rollout
	step, _ := replicas.CurrentStep(ro)
	switch {
	case step == nil:
		return replicas.MaxTrafficWeight(ro)
	case ro.Status.AvailableReplicas <= 0:
		return 0
	case ro.Spec.Strategy.Canary.TrafficRouting != nil:
		if w := ro.Status.Canary.Weights; w != nil {
			return w.Canary.Weight
		}
		return replicas.CurrentSetWeight(ro)
	}
	hash := canaryHash(ro)
	for i := range v.ReplicaSets {
		if rs := &v.ReplicaSets[i]; hash != "" && replicas.PodTemplateHash(rs) == hash {
			return rs.Status.AvailableReplicas * replicas.MaxTrafficWeight(ro) / ro.Status.AvailableReplicas
		}
	}
	return 0
}

// rolloutImages lists each container image of the ReplicaSets that run
// pods or carry a marker, oldest revision first, with the markers of the
// ReplicaSets that run it: "nginx:1.25 (stable)". Without ReplicaSets it
// lists the template's images, unmarked.
func rolloutImages(v *rolloutView) []string {
	var order []string
	marks := map[string][]string{}
	add := func(image string, m []string) {
		if _, ok := marks[image]; !ok {
			order = append(order, image)
			marks[image] = nil
		}
		for _, x := range m {
			if !contains(marks[image], x) {
				marks[image] = append(marks[image], x)
			}
		}
	}
	rss := sortedReplicaSets(v.ReplicaSets)
	for i := len(rss) - 1; i >= 0; i-- {
		rs := rss[i]
		m := replicaSetMarkers(v.Rollout, replicas.PodTemplateHash(rs))
		if len(m) == 0 && (rs.Spec.Replicas == nil || *rs.Spec.Replicas == 0) {
			continue
		}
		for _, c := range rs.Spec.Template.Spec.Containers {
			add(c.Image, m)
		}
	}
	if len(order) == 0 {
		for _, c := range v.Rollout.Spec.Template.Spec.Containers {
			add(c.Image, nil)
		}
	}
	lines := make([]string, 0, len(order))
	for _, image := range order {
		if m := marks[image]; len(m) > 0 {
			image += " (" + strings.Join(m, ", ") + ")"
		}
		lines = append(lines, image)
	}
	return lines
}

// replicaSetMarkers names the roles of the revision with the given hash:
// stable; canary for a canary's newest revision while it is not stable;
// active and preview for the hashes blue-green Services select.
func replicaSetMarkers(ro *v1alpha1.Rollout, hash string) []string {
	if hash == "" {
		return nil
	}
	var m []string
	if hash == ro.Status.StableRS {
		m = append(m, "stable")
	}
	if ro.Spec.Strategy.Canary != nil && hash == canaryHash(ro) {
		m = append(m, "canary")
	}
	if ro.Spec.Strategy.BlueGreen != nil {
		switch hash {
		case ro.Status.BlueGreen.ActiveSelector:
			m = append(m, "active")
		case ro.Status.BlueGreen.PreviewSelector:
			m = append(m, "preview")
		}
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// revisionOf reads the revision annotation of an object; 0 when it has
// none or it is not a number.
func revisionOf(annotations map[string]string) int64 {
	n, err := strconv.ParseInt(annotations[replicas.AnnotationRevision], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// sortedRevisions is the revisions in revs, newest first.
func sortedRevisions(revs map[int64]bool) []int64 {
	out := make([]int64, 0, len(revs))
	for r := range revs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}

// describeStep is one line for a canary step: its kind and, compactly,
// its settings as JSON.
func describeStep(s v1alpha1.CanaryStep) string {
	switch {
	case s.SetWeight != nil:
		return fmt.Sprintf("setWeight: %d", *s.SetWeight)
	case s.Pause != nil:
		if s.Pause.Duration != nil {
			return "pause: " + s.Pause.Duration.String()
		}
		return "pause (until promoted)"
	case s.Analysis != nil:
		names := make([]string, 0, len(s.Analysis.Templates))
		for _, t := range s.Analysis.Templates {
			names = append(names, t.TemplateName)
		}
		return "analysis: " + strings.Join(names, ", ")
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "?"
	}
	return string(b)
}
