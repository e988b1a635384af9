package sync

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Helm's hook annotations mean the same on any object as Argo CD's, since
// Argo CD reads them at sync time whatever rendered the object (a directory
// of YAML copied from a chart, as argocd-example-apps' helm-hooks is).
func TestHelmHookAnnotations(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		hook        bool
		phases      string
		wave        int
		policies    string // the delete policies it has, of the three
	}{
		{name: "ordinary object", annotations: nil,
			phases: "[Sync]", policies: "[BeforeHookCreation]"},
		{name: "pre-install", annotations: map[string]string{"helm.sh/hook": "pre-install"},
			hook: true, phases: "[PreSync]", policies: "[BeforeHookCreation]"},
		{name: "install and upgrade hooks of both phases", annotations: map[string]string{"helm.sh/hook": "pre-install, pre-upgrade,post-upgrade,post-install"},
			hook: true, phases: "[PreSync PostSync]", policies: "[BeforeHookCreation]"},
		{name: "weight and delete policies", annotations: map[string]string{"helm.sh/hook": "post-install",
			"helm.sh/hook-weight": "-2", "helm.sh/hook-delete-policy": "hook-succeeded,hook-failed"},
			hook: true, phases: "[PostSync]", wave: -2, policies: "[HookSucceeded HookFailed]"},
		{name: "test hooks never run", annotations: map[string]string{"helm.sh/hook": "test"},
			hook: true, phases: "[]", policies: "[BeforeHookCreation]"},
		{name: "crd-install marks a CRD, not a hook", annotations: map[string]string{"helm.sh/hook": "crd-install"},
			phases: "[Sync]", policies: "[BeforeHookCreation]"},
		{name: "a weight alone is a wave", annotations: map[string]string{"helm.sh/hook-weight": "2"},
			phases: "[Sync]", wave: 2, policies: "[BeforeHookCreation]"},
		{name: "Argo CD's annotations win", annotations: map[string]string{"helm.sh/hook": "pre-install", "helm.sh/hook-weight": "5",
			AnnotationHook: "Sync", AnnotationSyncWave: "1", AnnotationDeletePolicy: "HookSucceeded"},
			hook: true, phases: "[Sync]", wave: 1, policies: "[HookSucceeded]"},
		{name: "delete policies of both count", annotations: map[string]string{AnnotationHook: "PreSync",
			AnnotationDeletePolicy: "HookFailed", "helm.sh/hook-delete-policy": "before-hook-creation"},
			hook: true, phases: "[PreSync]", policies: "[BeforeHookCreation HookFailed]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testObject("batch/v1", "Job", "maint-page-up", tt.annotations, nil)
			if got := IsHook(o); got != tt.hook {
				t.Errorf("IsHook = %v, want %v", got, tt.hook)
			}
			if got := fmt.Sprint(Phases(o)); got != tt.phases {
				t.Errorf("Phases = %s, want %s", got, tt.phases)
			}
			if got := Wave(o); got != tt.wave {
				t.Errorf("Wave = %d, want %d", got, tt.wave)
			}
			var policies []string
			for _, p := range []string{DeleteBeforeHookCreation, DeleteHookSucceeded, DeleteHookFailed} {
				if hasDeletePolicy(o, p) {
					policies = append(policies, p)
				}
			}
			if got := fmt.Sprint(policies); got != tt.policies {
				t.Errorf("delete policies = %s, want %s", got, tt.policies)
			}
		})
	}
}

// A Helm hook with only a generateName is planned, and named, as an Argo CD
// hook is: the plan of argocd-example-apps' helm-hooks.
func TestNewPlanHelmHooks(t *testing.T) {
	state := &v1alpha1.OperationState{StartedAt: metav1.NewTime(time.Date(2026, 11, 30, 10, 0, 5, 0, time.UTC)),
		SyncResult: &v1alpha1.SyncOperationResult{Revision: "0d521c6ab"}}
	schema := testObject("batch/v1", "Job", "", map[string]string{"helm.sh/hook": "pre-install", "helm.sh/hook-weight": "-2"}, nil)
	schema.SetGenerateName("upgrade-sql-schema")
	targets := []*unstructured.Unstructured{
		schema,
		testObject("batch/v1", "Job", "maint-page-up", map[string]string{"helm.sh/hook": "pre-install",
			"helm.sh/hook-delete-policy": "before-hook-creation", "helm.sh/hook-weight": "-1"}, nil),
		testObject("apps/v1", "ReplicaSet", "frontend", nil, nil),
		testObject("v1", "Service", "frontend", map[string]string{"helm.sh/hook-weight": "2"}, nil),
		testObject("batch/v1", "Job", "maint-page-down", map[string]string{"helm.sh/hook": "post-install",
			"helm.sh/hook-delete-policy": "before-hook-creation"}, nil),
	}
	got := fmt.Sprint(planned(NewPlan(Request{Targets: targets}, state)))
	want := "[PreSync upgrade-sql-schema0d521c6-presync-1796032805 PreSync maint-page-up Sync frontend Sync frontend PostSync maint-page-down]"
	if got != want {
		t.Errorf("plan\n got %s\nwant %s", got, want)
	}
	plan := NewPlan(Request{Targets: targets}, state)
	if n := len(plan.Groups); n != 5 {
		t.Errorf("%d groups, want 5 (two PreSync weights, the ReplicaSet's wave 0, the Service's wave 2, PostSync)", n)
	}
}
