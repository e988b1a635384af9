package sync_test

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/sync"
)

func manifest(kind, name string, annotations map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetNamespace("web")
	u.SetName(name)
	u.SetAnnotations(annotations)
	return u
}

// A plan orders an operation as Argo CD does: PreSync hooks, then the Sync
// phase wave by wave with kinds in Argo CD's order, then prunes, then
// PostSync hooks.
func ExampleNewPlan() {
	targets := []*unstructured.Unstructured{
		manifest("Service", "api", nil),
		manifest("ConfigMap", "settings", map[string]string{sync.AnnotationSyncWave: "-1"}),
		manifest("Pod", "smoke", map[string]string{sync.AnnotationHook: "PostSync"}),
		manifest("ConfigMap", "schema", map[string]string{sync.AnnotationHook: "PreSync"}),
	}
	state := sync.Start(v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: true}}, v1alpha1.SyncOperationResult{Revision: "4f2a9c1"})
	plan := sync.NewPlan(sync.Request{Targets: targets, Orphans: []*unstructured.Unstructured{manifest("Secret", "old", nil)}}, state)
	for _, group := range plan.Groups {
		for _, task := range group {
			verb := "apply"
			if task.Prune {
				verb = "prune"
			}
			fmt.Println(task.Phase, task.Wave, verb, task.ID())
		}
	}
	// Output:
	// PreSync 0 apply /ConfigMap/web/schema
	// Sync -1 apply /ConfigMap/web/settings
	// Sync 0 apply /Service/web/api
	// Sync 0 prune /Secret/web/old
	// PostSync 0 apply /Pod/web/smoke
}

// A controller starts an operation when one is requested and then calls
// Advance at every reconcile with what it sees now, until the phase is
// final; Advance never blocks, it says when to look again.
func ExampleRunner_Advance() {
	var runner *sync.Runner // sync.Runner{Cluster: cluster.NewWriter(...), Health: overrides}
	var live map[object.ID]*unstructured.Unstructured
	var desired []*unstructured.Unstructured
	if runner == nil {
		return // this example shows the calls; it has no cluster to talk to
	}
	op := v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: true}}
	state := sync.Start(op, v1alpha1.SyncOperationResult{Revision: "4f2a9c1"})
	for !sync.Completed(state.Phase) {
		wait := runner.Advance(context.Background(), state, sync.Request{
			Targets: desired,
			Live:    func(id object.ID) *unstructured.Unstructured { return live[id] },
			Options: sync.ParseOptions([]string{"CreateNamespace=true"}, op.Sync.SyncOptions),
		})
		time.Sleep(wait) // a controller requeues instead, and a watch event may come sooner
	}
	fmt.Println(state.Phase, state.Message)
}
