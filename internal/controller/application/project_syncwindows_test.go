package application_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a project with a deny window active now (every minute, for an
// hour) over the apps named windowed-*, without manualSync,
// when a new commit arrives for an automated app, and a user asks for a
// sync,
// then the automated sync does not start (the app stays OutOfSync at the
// new revision) and the user's sync waits, Running, blocked by the window;
// once the window has manualSync, the user's sync runs and the app is
// Synced; the app of the same project outside the window syncs throughout.
func TestSyncWindowBlocksSyncs(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	first := repo.Commit("one", map[string]string{"cm/cm.yaml": configMaps("one")})
	newProject(t, "windowed", v1alpha1.AppProjectSpec{
		SourceRepos:  []string{"*"},
		Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}},
		SyncWindows: v1alpha1.SyncWindows{{Kind: "deny", Schedule: "* * * * *", Duration: "1h",
			Applications: []string{"windowed-*"}}},
	})
	newApp(t, "windowed-app", repo.URL(), "cm", automated(true, false), inProject("windowed"))
	newApp(t, "unwindowed-app", repo.URL(), "cm", automated(true, false), inProject("windowed"))
	waitSyncedHealthy(t, "unwindowed-app", first)

	app := refreshed(t, "windowed-app")
	if app.Status.Sync.Status != v1alpha1.SyncStatusCodeOutOfSync || app.Status.OperationState != nil {
		t.Fatalf("automated sync during a deny window: sync %s, operation %+v", app.Status.Sync.Status, app.Status.OperationState)
	}

	requestSync(t, "windowed-app", false)
	eventually(t, "the user's sync waits for the window", func() (bool, error) {
		os := getApp(t, "windowed-app").Status.OperationState
		return os != nil && os.Phase == v1alpha1.OperationRunning && strings.Contains(os.Message, "blocked by sync window"), nil
	})
	if ok, _ := exists(&corev1.ConfigMap{}, "windowed-app", "one"); ok {
		t.Fatal("a blocked sync applied the ConfigMap")
	}

	p := &v1alpha1.AppProject{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: "windowed"}, p); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.SyncWindows[0].ManualSync = true
	if err := env.Client.Patch(context.Background(), p, patch); err != nil {
		t.Fatal(err)
	}
	os := waitOperation(t, "windowed-app", first)
	if os.Phase != v1alpha1.OperationSucceeded {
		t.Fatalf("manual sync once manualSync is on: %s %s", os.Phase, os.Message)
	}
	second := repo.Commit("two", map[string]string{"cm/cm.yaml": configMaps("two")})
	waitSyncedHealthy(t, "unwindowed-app", second)
	if app := refreshed(t, "windowed-app"); app.Status.Sync.Revision != second || app.Status.Sync.Status != v1alpha1.SyncStatusCodeOutOfSync {
		t.Errorf("windowed app after a new commit: %s at %s, want OutOfSync at %s", app.Status.Sync.Status, app.Status.Sync.Revision, second)
	}
}

// Given a project whose only sync window does not parse (kind "Deny"),
// when its automated app reconciles and a user asks for a sync,
// then the app has an InvalidSpecError naming the project and the window,
// no automated sync starts, and the user's sync ends with an error saying
// the same instead of waiting for ever.
func TestInvalidSyncWindowIsAnError(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	sha := repo.Commit("one", map[string]string{"cm/cm.yaml": configMaps("one")})
	newProject(t, "badwindow", v1alpha1.AppProjectSpec{
		SourceRepos:  []string{"*"},
		Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}},
		SyncWindows:  v1alpha1.SyncWindows{{Kind: "Deny", Schedule: "* * * * *", Duration: "1h", Applications: []string{"*"}}},
	})
	newApp(t, "badwindow-app", repo.URL(), "cm", automated(true, false), inProject("badwindow"))
	waitCondition(t, "badwindow-app", v1alpha1.ApplicationConditionInvalidSpecError, `project "badwindow"`, `kind "Deny"`)
	if app := getApp(t, "badwindow-app"); app.Status.OperationState != nil {
		t.Fatalf("an automated sync started under a window that does not parse: %+v", app.Status.OperationState)
	}
	requestSync(t, "badwindow-app", false)
	os := waitOperation(t, "badwindow-app", sha)
	if os.Phase != v1alpha1.OperationError || !strings.Contains(os.Message, `kind "Deny"`) {
		t.Errorf("manual sync: %s %q, want Error naming the window", os.Phase, os.Message)
	}
}
