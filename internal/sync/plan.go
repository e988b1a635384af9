package sync

import (
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Annotations and options that shape a plan.
const (
	AnnotationSyncOptions = "argocd.argoproj.io/sync-options"
	AnnotationDeletePol   = "argocd.argoproj.io/hook-delete-policy"
)

// Task is one step of a sync: apply a desired object, run a hook, or prune
// a live object that is no longer desired.
type Task struct {
	// Target is the desired object (nil for a prune).
	Target *unstructured.Unstructured
	// Live is the live object (nil when it does not exist yet).
	Live *unstructured.Unstructured
	// Phase and Wave place the task.
	Phase v1alpha1.SyncPhase
	Wave  int
	// Hook marks hook tasks.
	Hook bool
	// Prune marks deletions of objects that are no longer desired.
	Prune bool
	// PruneLast defers a prune to after every other prune.
	PruneLast bool
	// Skip marks a prune that the Prune=false option forbids.
	Skip bool
	// Replace replaces the object (create or update) instead of applying it.
	Replace bool
	// Force deletes and creates the object again when the server refuses a
	// change to it, such as an immutable field (Force=true).
	Force bool
	// SkipValidation writes without strict field validation (Validate=false).
	SkipValidation bool
	// SkipDryRunOnMissing lets a sync start although the task's kind is
	// not served yet (SkipDryRunOnMissingResource=true).
	SkipDryRunOnMissing bool

	// written is the server's answer to this step's write of the target.
	written *unstructured.Unstructured
}

func (t *Task) write() WriteOptions { return WriteOptions{SkipValidation: t.SkipValidation} }

// Obj is the object the task is about.
func (t *Task) Obj() *unstructured.Unstructured {
	if t.Target != nil {
		return t.Target
	}
	return t.Live
}

// Key identifies the task's object.
func (t *Task) Key() string {
	o := t.Obj()
	return strings.Join([]string{o.GroupVersionKind().Group, o.GetKind(), o.GetNamespace(), o.GetName(), string(t.Phase)}, "/")
}

// Plan is an ordered list of task groups: each group (a phase and wave, or
// the prunes) completes before the next starts.
type Plan struct {
	Groups [][]*Task
	// Propagation is the deletion propagation of prunes (default foreground).
	Propagation metav1.DeletionPropagation
}

// Prepend adds a group that runs before every other, such as the
// destination namespace that CreateNamespace=true creates.
func (p *Plan) Prepend(tasks ...*Task) {
	if len(tasks) > 0 {
		p.Groups = append([][]*Task{tasks}, p.Groups...)
	}
}

// HasOption reports whether an object's sync-options annotation holds opt ("Prune=false").
func HasOption(obj *unstructured.Unstructured, opt string) bool {
	for _, o := range strings.Split(obj.GetAnnotations()[AnnotationSyncOptions], ",") {
		if strings.TrimSpace(o) == opt {
			return true
		}
	}
	return false
}

// NewPlan orders a sync as Argo CD does: PreSync hooks, then the Sync phase
// wave by wave (kind order within a wave), then prunes in reverse wave
// order (PruneLast ones last), then PostSync hooks. Hooks that never run
// in a sync (Skip) are left out. live maps a target's key to its live
// object; orphans are live objects no longer desired.
func NewPlan(targets []*unstructured.Unstructured, live func(*unstructured.Unstructured) *unstructured.Unstructured,
	orphans []*unstructured.Unstructured, prune bool) *Plan {
	byGroup := map[[2]int][]*Task{}
	for _, t := range targets {
		phase, ok := Phase(t)
		if !ok {
			continue
		}
		_, hook := t.GetAnnotations()[AnnotationHook]
		task := &Task{Target: t, Live: live(t), Phase: phase, Wave: Wave(t), Hook: hook, Replace: HasOption(t, "Replace=true"),
			SkipValidation: HasOption(t, "Validate=false"), SkipDryRunOnMissing: HasOption(t, "SkipDryRunOnMissingResource=true"),
			Force: HasOption(t, "Force=true")}
		k := [2]int{phaseOrder[phase], task.Wave}
		byGroup[k] = append(byGroup[k], task)
	}
	var keys [][2]int
	for k := range byGroup {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	plan := &Plan{}
	var prunes, pruneLast []*Task
	if prune {
		for _, o := range orphans {
			task := &Task{Live: o, Phase: v1alpha1.SyncPhaseSync, Wave: Wave(o), Prune: true,
				PruneLast: HasOption(o, "PruneLast=true"), Skip: HasOption(o, "Prune=false")}
			if task.PruneLast {
				pruneLast = append(pruneLast, task)
			} else {
				prunes = append(prunes, task)
			}
		}
		sort.SliceStable(prunes, func(i, j int) bool { return prunes[i].Wave > prunes[j].Wave })
	}
	prunesAdded := false
	addPrunes := func() {
		if prunesAdded {
			return
		}
		prunesAdded = true
		if len(prunes) > 0 {
			plan.Groups = append(plan.Groups, prunes)
		}
		if len(pruneLast) > 0 {
			plan.Groups = append(plan.Groups, pruneLast)
		}
	}
	for _, k := range keys {
		if k[0] > phaseOrder[v1alpha1.SyncPhaseSync] {
			addPrunes()
		}
		if k[0] == phaseOrder[v1alpha1.SyncPhaseSyncFail] {
			continue // SyncFail hooks run only when the sync fails
		}
		group := byGroup[k]
		objs := make([]*unstructured.Unstructured, len(group))
		idx := map[*unstructured.Unstructured]*Task{}
		for i, t := range group {
			objs[i], idx[t.Target] = t.Target, t
		}
		Order(objs)
		for i, o := range objs {
			group[i] = idx[o]
		}
		plan.Groups = append(plan.Groups, group)
	}
	addPrunes()
	return plan
}

// FailHooks are the SyncFail hooks among targets, run when a sync fails.
func FailHooks(targets []*unstructured.Unstructured) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, t := range targets {
		if p, ok := Phase(t); ok && p == v1alpha1.SyncPhaseSyncFail {
			out = append(out, t)
		}
	}
	return out
}
