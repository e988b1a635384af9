package sync

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestAutoSync(t *testing.T) {
	clock := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return clock }
	source := v1alpha1.ApplicationSource{RepoURL: "file:///repo", Path: "app", TargetRevision: "HEAD"}
	app := func(selfHeal, allowEmpty bool, last *v1alpha1.OperationState) *v1alpha1.Application {
		return &v1alpha1.Application{
			Spec: v1alpha1.ApplicationSpec{Source: source.DeepCopy(), SyncPolicy: &v1alpha1.SyncPolicy{
				Automated: &v1alpha1.SyncPolicyAutomated{Prune: true, SelfHeal: selfHeal, AllowEmpty: allowEmpty}}},
			Status: v1alpha1.ApplicationStatus{OperationState: last},
		}
	}
	ended := func(phase v1alpha1.OperationPhase, revision string, automated bool, ago time.Duration, attempts int64) *v1alpha1.OperationState {
		finished := metav1.NewTime(clock.Add(-ago))
		return &v1alpha1.OperationState{Phase: phase, FinishedAt: &finished,
			Operation:  v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{SelfHealAttemptsCount: attempts}, InitiatedBy: v1alpha1.OperationInitiator{Automated: automated}},
			SyncResult: &v1alpha1.SyncOperationResult{Revision: revision, Source: source}}
	}
	tests := []struct {
		name     string
		app      *v1alpha1.Application
		in       AutoSyncInput
		sync     bool
		attempts int64
		wait     time.Duration
	}{
		{name: "in sync", app: app(false, false, nil), in: AutoSyncInput{Revisions: []string{"b"}}},
		{name: "new revision", app: app(false, false, ended(v1alpha1.OperationSucceeded, "a", true, time.Minute, 0)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, sync: true},
		{name: "drift after a manual sync, no selfHeal", app: app(false, false, ended(v1alpha1.OperationSucceeded, "b", false, time.Minute, 0)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}},
		{name: "a failed manual sync is not retried", app: app(true, false, ended(v1alpha1.OperationFailed, "b", false, time.Minute, 0)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}},
		{name: "first self-heal at once", app: app(true, false, ended(v1alpha1.OperationSucceeded, "b", false, time.Millisecond, 0)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, sync: true, attempts: 1},
		{name: "third self-heal waits 6s", app: app(true, false, ended(v1alpha1.OperationSucceeded, "b", true, 2*time.Second, 2)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, wait: 4 * time.Second},
		{name: "third self-heal after its backoff", app: app(true, false, ended(v1alpha1.OperationSucceeded, "b", true, 7*time.Second, 2)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, sync: true, attempts: 3},
		{name: "backoff capped at 5 minutes", app: app(true, false, ended(v1alpha1.OperationSucceeded, "b", true, time.Minute, 9)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, wait: 4 * time.Minute},
		{name: "count starts again after the cooldown", app: app(true, false, ended(v1alpha1.OperationSucceeded, "b", true, 6*time.Minute, 9)),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, sync: true, attempts: 1},
		{name: "same commit under another targetRevision counts", app: func() *v1alpha1.Application {
			a := app(false, false, ended(v1alpha1.OperationSucceeded, "b", false, time.Minute, 0))
			a.Status.OperationState.SyncResult.Source.TargetRevision = "main"
			return a
		}(), in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}},
		{name: "another source is not the same attempt", app: func() *v1alpha1.Application {
			a := app(false, false, ended(v1alpha1.OperationSucceeded, "b", false, time.Minute, 0))
			a.Status.OperationState.SyncResult.Source.Path = "other"
			return a
		}(), in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true}, sync: true},
		{name: "empty render without allowEmpty", app: app(false, false, nil),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true, WipesAll: true}},
		{name: "empty render with allowEmpty", app: app(false, true, nil),
			in: AutoSyncInput{Revisions: []string{"b"}, OutOfSync: true, WipesAll: true}, sync: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, wait := AutoSync(tt.app, tt.in)
			if (op != nil) != tt.sync {
				t.Fatalf("sync = %v, want %v", op != nil, tt.sync)
			}
			if wait != tt.wait {
				t.Errorf("wait = %s, want %s", wait, tt.wait)
			}
			if op == nil {
				return
			}
			if !op.InitiatedBy.Automated || op.Sync.Revision != "b" || !op.Sync.Prune {
				t.Errorf("operation %+v", op)
			}
			if op.Sync.SelfHealAttemptsCount != tt.attempts {
				t.Errorf("self-heal attempts %d, want %d", op.Sync.SelfHealAttemptsCount, tt.attempts)
			}
		})
	}
}
