package sync

import (
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/object"
)

// Task is one step of a sync: apply a desired object, run a hook, or prune
// a live object that is no longer desired.
type Task struct {
	// Target is the desired object (nil for a prune). A hook's target has
	// its per-operation name (see hookObject).
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
	// NoWait marks the application's own manifest (Request.Self): done
	// once applied.
	NoWait bool
	// Options are the task's sync options: the operation's with the
	// object's own sync-options annotation added.
	Options Options

	// written is the server's answer to this step's write of the target.
	written *unstructured.Unstructured
}

// Obj is the object the task is about.
func (t *Task) Obj() *unstructured.Unstructured {
	if t.Target != nil {
		return t.Target
	}
	return t.Live
}

// ID identifies the task's object.
func (t *Task) ID() object.ID { return object.IDOf(t.Obj()) }

// resultID identifies a task within an operation: a hook listed for two
// phases is two tasks of one object.
type resultID struct {
	object.ID
	phase v1alpha1.SyncPhase
}

func (t *Task) resultID() resultID { return resultID{t.ID(), t.Phase} }

func (t *Task) write() cluster.WriteOptions {
	return cluster.WriteOptions{SkipValidation: t.Options.SkipValidation}
}

// Plan is an ordered list of task groups: each group (a phase and wave, or
// the prunes) completes before the next starts.
type Plan struct {
	Groups [][]*Task
	// Propagation is the deletion propagation of prunes (default foreground).
	Propagation metav1.DeletionPropagation
	// FailHooks are the SyncFail hooks, run when the sync fails for good.
	FailHooks []*Task
}

// NewPlan orders an operation as Argo CD does (gitops-engine sync_tasks):
// the destination namespace (CreateNamespace=true), PreSync hooks, then the
// Sync phase wave by wave (kind order within a wave), then prunes in
// reverse wave order (PruneLast ones last), then PostSync hooks. SyncFail
// hooks are kept apart in FailHooks. Hooks that never run in a sync (Skip)
// are left out, as are hooks of a sync limited to some resources. State is
// the operation's state: its revision and start time name hooks that have
// only a generateName.
func NewPlan(req Request, state *v1alpha1.OperationState) *Plan {
	opts := req.Options
	revision, started := "", state.StartedAt.Time
	if state.SyncResult != nil {
		revision = firstRevision(state.SyncResult)
	}
	plan := &Plan{Propagation: opts.PrunePropagation}
	if plan.Propagation == "" {
		plan.Propagation = metav1.DeletePropagationForeground
	}
	op := state.Operation.Sync
	if op == nil {
		op = &v1alpha1.SyncOperation{}
	}
	byGroup := map[[2]int][]*Task{}
	for _, t := range selected(req.Targets, op.Resources) {
		hook := IsHook(t)
		if hook && len(op.Resources) > 0 {
			continue // hooks do not run in a sync of selected resources
		}
		if !hook && opts.ApplyOutOfSyncOnly && req.Synced != nil && req.Synced(object.IDOf(t)) {
			continue
		}
		for _, phase := range Phases(t) {
			target := t
			if hook {
				target = hookObject(t, phase, revision, started)
			}
			task := &Task{Target: target, Phase: phase, Wave: Wave(t), Hook: hook,
				Options: opts.merge(ObjectOptions(t))}
			if !hook && req.Live != nil {
				task.Live = req.Live(object.IDOf(t))
				task.NoWait = task.Live != nil && req.Self != "" && task.Live.GetUID() == req.Self
			}
			if hook {
				task.Options.Force, task.Options.Replace = false, false // hooks are created
			}
			if phase == v1alpha1.SyncPhaseSyncFail {
				plan.FailHooks = append(plan.FailHooks, task)
				continue
			}
			k := [2]int{phaseOrder[phase], task.Wave}
			byGroup[k] = append(byGroup[k], task)
		}
	}
	if opts.CreateNamespace && req.Namespace != nil {
		plan.Groups = append(plan.Groups, []*Task{{Target: req.Namespace, Phase: v1alpha1.SyncPhasePreSync, Wave: -1 << 30}})
	}
	keys := make([][2]int, 0, len(byGroup))
	for k := range byGroup {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var prunes, pruneLast []*Task
	if op.Prune {
		for _, o := range selected(req.Orphans, op.Resources) {
			task := &Task{Live: o, Phase: v1alpha1.SyncPhaseSync, Wave: Wave(o), Prune: true,
				Options: opts.merge(ObjectOptions(o))}
			if task.Options.PruneLast {
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
		for _, g := range [][]*Task{prunes, pruneLast} {
			if len(g) > 0 {
				plan.Groups = append(plan.Groups, g)
			}
		}
	}
	for _, k := range keys {
		if k[0] > phaseOrder[v1alpha1.SyncPhaseSync] {
			addPrunes()
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

// firstRevision is the revision hooks are named after: the single source's
// revision, or the first source's.
func firstRevision(r *v1alpha1.SyncOperationResult) string {
	if r.Revision != "" {
		return r.Revision
	}
	if len(r.Revisions) > 0 {
		return r.Revisions[0]
	}
	return ""
}

// selected keeps the objects a sync limited to some resources names; all
// of them when the sync names none.
func selected(objs []*unstructured.Unstructured, only []v1alpha1.SyncOperationResource) []*unstructured.Unstructured {
	if len(only) == 0 {
		return objs
	}
	var out []*unstructured.Unstructured
	for _, o := range objs {
		id := object.IDOf(o)
		for _, r := range only {
			if r.Kind == id.Kind && r.Name == id.Name && r.Group == id.Group && (r.Namespace == "" || r.Namespace == id.Namespace) {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// describe names a group of the plan in a waiting message.
func describe(t *Task) string {
	switch {
	case t.Prune:
		return "prunes"
	case t.Hook:
		return fmt.Sprintf("hook phase %s", t.Phase)
	}
	return fmt.Sprintf("wave %d", t.Wave)
}

// Completed reports whether an operation phase is final.
func Completed(p v1alpha1.OperationPhase) bool {
	return p == v1alpha1.OperationSucceeded || p == v1alpha1.OperationFailed || p == v1alpha1.OperationError
}

// now is the clock of operations; tests may replace it.
var now = func() time.Time { return time.Now() }
