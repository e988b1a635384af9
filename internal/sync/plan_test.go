package sync

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
)

func generatedHook(phases string) *unstructured.Unstructured {
	h := testObject("batch/v1", "Job", "", map[string]string{AnnotationHook: phases,
		"argocd.argoproj.io/tracking-id": "guestbook:batch/Job:ns/"}, nil)
	h.SetGenerateName("upgrade-sql-schema-")
	return h
}

// planned lists the plan's tasks as "phase name" in order.
func planned(p *Plan) []string {
	var out []string
	for _, g := range p.Groups {
		for _, t := range g {
			out = append(out, string(t.Phase)+" "+t.Obj().GetName())
		}
	}
	return out
}

func TestNewPlanNamesGeneratedHooks(t *testing.T) {
	started := time.Date(2026, 11, 30, 10, 0, 5, 0, time.UTC)
	state := &v1alpha1.OperationState{StartedAt: metav1.NewTime(started),
		SyncResult: &v1alpha1.SyncOperationResult{Revision: "8C2F6A1E0B9D"}}
	cm := testObject("v1", "ConfigMap", "config", nil, nil)
	plan := NewPlan(Request{Targets: []*unstructured.Unstructured{generatedHook("PreSync,PostSync"), cm}}, state)
	want := []string{
		"PreSync upgrade-sql-schema-8c2f6a1-presync-1796032805",
		"Sync config",
		"PostSync upgrade-sql-schema-8c2f6a1-postsync-1796032805",
	}
	got := planned(plan)
	if len(got) != len(want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("task %d = %q, want %q", i, got[i], want[i])
		}
	}
	pre := plan.Groups[0][0].Target
	if id := pre.GetAnnotations()["argocd.argoproj.io/tracking-id"]; id != "guestbook:batch/Job:ns/"+pre.GetName() {
		t.Errorf("tracking id %q does not follow the generated name", id)
	}

	// The same operation plans the same names (a restarted controller
	// finds its objects); a later operation gets new ones.
	if again := planned(NewPlan(Request{Targets: []*unstructured.Unstructured{generatedHook("PreSync,PostSync"), cm}}, state)); again[0] != got[0] {
		t.Errorf("same operation named the hook %q, then %q", got[0], again[0])
	}
	later := state.DeepCopy()
	later.StartedAt = metav1.NewTime(started.Add(time.Minute))
	if next := planned(NewPlan(Request{Targets: []*unstructured.Unstructured{generatedHook("PreSync")}}, later)); next[0] == got[0] {
		t.Errorf("a later operation reused the hook name %q", next[0])
	}
}

func TestNewPlanSelection(t *testing.T) {
	cm := testObject("v1", "ConfigMap", "config", nil, nil)
	deploy := testObject("apps/v1", "Deployment", "web", nil, nil)
	hook := testObject("batch/v1", "Job", "migrate", map[string]string{AnnotationHook: "PreSync"}, nil)
	skip := testObject("batch/v1", "Job", "never", map[string]string{AnnotationHook: "Skip"}, nil)
	fail := testObject("batch/v1", "Job", "on-fail", map[string]string{AnnotationHook: "SyncFail"}, nil)
	orphan := testObject("v1", "Secret", "old", nil, nil)
	targets := []*unstructured.Unstructured{cm, deploy, hook, skip, fail}
	tests := []struct {
		name      string
		req       Request
		op        v1alpha1.SyncOperation
		want      []string
		failHooks int
	}{{
		name: "everything", op: v1alpha1.SyncOperation{Prune: true},
		req:  Request{Targets: targets, Orphans: []*unstructured.Unstructured{orphan}},
		want: []string{"PreSync migrate", "Sync config", "Sync web", "Sync old"}, failHooks: 1,
	}, {
		name: "no prune", req: Request{Targets: targets, Orphans: []*unstructured.Unstructured{orphan}},
		want: []string{"PreSync migrate", "Sync config", "Sync web"}, failHooks: 1,
	}, {
		name: "selected resources run no hooks",
		op:   v1alpha1.SyncOperation{Resources: []v1alpha1.SyncOperationResource{{Group: "apps", Kind: "Deployment", Name: "web"}}},
		req:  Request{Targets: targets},
		want: []string{"Sync web"},
	}, {
		name: "apply out of sync only",
		req: Request{Targets: targets, Options: Options{ApplyOutOfSyncOnly: true},
			Synced: func(id object.ID) bool { return id.Kind == "ConfigMap" }},
		want: []string{"PreSync migrate", "Sync web"}, failHooks: 1,
	}, {
		name: "create namespace first",
		req:  Request{Targets: []*unstructured.Unstructured{cm}, Options: Options{CreateNamespace: true}, Namespace: testObject("v1", "Namespace", "ns", nil, nil)},
		want: []string{"PreSync ns", "Sync config"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := NewPlan(tt.req, &v1alpha1.OperationState{Operation: v1alpha1.Operation{Sync: &tt.op}})
			got := planned(plan)
			if len(got) != len(tt.want) {
				t.Fatalf("plan %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("task %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
			if len(plan.FailHooks) != tt.failHooks {
				t.Errorf("%d SyncFail hooks, want %d", len(plan.FailHooks), tt.failHooks)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	app := []string{"Validate=false", "CreateNamespace=true", "PrunePropagationPolicy=background", "Unknown=1"}
	op := []string{"Validate=true", "Replace=true"}
	got := ParseOptions(app, op)
	want := Options{CreateNamespace: true, PrunePropagation: metav1.DeletePropagationBackground, Replace: true}
	if got != want {
		t.Fatalf("ParseOptions = %+v, want %+v", got, want)
	}
	obj := testObject("v1", "ConfigMap", "c", map[string]string{AnnotationSyncOptions: "Prune=false, Delete=false,Force=true"}, nil)
	if o := ObjectOptions(obj); !o.NoPrune || !o.NoDelete || !o.Force {
		t.Fatalf("ObjectOptions = %+v", o)
	}
	// Helm's resource policy keep is Delete=false, as Argo CD reads it.
	kept := testObject("v1", "Secret", "s", map[string]string{"helm.sh/resource-policy": "keep"}, nil)
	if o := ObjectOptions(kept); o != (Options{NoDelete: true}) {
		t.Fatalf("ObjectOptions of helm.sh/resource-policy: keep = %+v, want Delete=false only", o)
	}
}

func TestRetryBackoff(t *testing.T) {
	factor := int64(3)
	tests := []struct {
		strategy v1alpha1.RetryStrategy
		n        int64
		want     time.Duration
	}{
		{v1alpha1.RetryStrategy{}, 1, 5 * time.Second},
		{v1alpha1.RetryStrategy{}, 3, 20 * time.Second},
		{v1alpha1.RetryStrategy{}, 10, 3 * time.Minute},
		{v1alpha1.RetryStrategy{Backoff: &v1alpha1.Backoff{Duration: "2", Factor: &factor, MaxDuration: "1m"}}, 2, 6 * time.Second},
		{v1alpha1.RetryStrategy{Backoff: &v1alpha1.Backoff{Duration: "10s", Factor: &factor, MaxDuration: "1m"}}, 4, time.Minute},
	}
	for _, tt := range tests {
		if got := RetryBackoff(tt.strategy, tt.n); got != tt.want {
			t.Errorf("RetryBackoff(%+v, %d) = %s, want %s", tt.strategy.Backoff, tt.n, got, tt.want)
		}
	}
}

// An app that manages its own manifest applies it and does not wait for
// its health, the outcome of the very operation.
func TestNewPlanSelfNoWait(t *testing.T) {
	self := testObject("argoproj.io/v1alpha1", "Application", "root", nil, nil)
	live := self.DeepCopy()
	live.SetUID("4f1c")
	other := testObject("argoproj.io/v1alpha1", "Application", "child", nil, nil)
	req := Request{Targets: []*unstructured.Unstructured{self, other}, Self: "4f1c",
		Live: func(id object.ID) *unstructured.Unstructured {
			if id.Name == "root" {
				return live
			}
			return nil
		}}
	plan := NewPlan(req, &v1alpha1.OperationState{})
	for _, task := range plan.Groups[0] {
		if want := task.Target.GetName() == "root"; task.NoWait != want {
			t.Errorf("%s: NoWait %v, want %v", task.Target.GetName(), task.NoWait, want)
		}
	}
}

// A sync of selected resources none of which is the app's fails at once,
// naming the selection, and changes nothing (Argo CD's CLI refuses it too).
func TestAdvanceRefusesASelectionThatMatchesNothing(t *testing.T) {
	state := Start(v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{
		Resources: []v1alpha1.SyncOperationResource{{Kind: "ConfigMap", Name: "nonexistent"}}}}, v1alpha1.SyncOperationResult{})
	r := &Runner{} // no cluster: nothing may be written
	if wait := r.Advance(t.Context(), state, Request{Targets: []*unstructured.Unstructured{testObject("v1", "ConfigMap", "config", nil, nil)}}); wait != 0 {
		t.Fatalf("wait %s, want a final phase", wait)
	}
	if state.Phase != v1alpha1.OperationFailed || !strings.Contains(state.Message, ":ConfigMap:nonexistent") {
		t.Fatalf("operation %s %q, want Failed naming the selection", state.Phase, state.Message)
	}
}
