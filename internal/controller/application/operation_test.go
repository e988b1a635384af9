package application_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// uidOf is the UID of a live ConfigMap ("" when it does not exist).
func uidOf(t *testing.T, ns, name string) types.UID {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if ok, err := exists(cm, ns, name); err != nil {
		t.Fatal(err)
	} else if !ok {
		return ""
	}
	return cm.UID
}

// Given a synced app without automated sync (ConfigMaps keep and old),
// when a commit breaks the render and a sync with prune is requested,
// then the operation ends at once with phase Error and the render error;
// when a later commit renders again without old,
// then the stale request never runs: old keeps its UID, the app is
// OutOfSync at the new revision and the last operation is still the Error.
func TestRequestedSyncEndsWhenTheRenderFails(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	first := repo.Commit("first", map[string]string{"app/cm.yaml": configMaps("keep", "old")})
	newApp(t, "opfail", repo.URL(), "app", nil)
	requestSync(t, "opfail", true)
	waitOperation(t, "opfail", first)
	oldUID := uidOf(t, "opfail", "old")
	if oldUID == "" {
		t.Fatal("the first sync did not create old")
	}

	broken := repo.Commit("broken", map[string]string{"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n"})
	eventually(t, "the broken revision seen", func() (bool, error) {
		app := refreshed(t, "opfail")
		return app.Status.Sync.Status == v1alpha1.SyncStatusCodeUnknown, fmt.Errorf("broken %s, compared at %s", broken, app.Status.Sync.Revision)
	})
	requestSync(t, "opfail", true)
	var errored *v1alpha1.OperationState
	eventually(t, "the requested sync ended with phase Error", func() (bool, error) {
		app := getApp(t, "opfail")
		errored = app.Status.OperationState
		if app.Operation == nil && errored != nil && errored.Phase == v1alpha1.OperationError {
			return true, nil
		}
		return false, fmt.Errorf("operation %v, state %+v, conditions %v", app.Operation, errored, app.Status.Conditions)
	})
	if !strings.Contains(errored.Message, "cm.yaml") || errored.FinishedAt == nil {
		t.Errorf("errored operation: %q (finished %v); want the render error naming the file", errored.Message, errored.FinishedAt)
	}

	fixed := repo.Commit("fixed", map[string]string{"app/cm.yaml": configMaps("keep")})
	var app *v1alpha1.Application
	eventually(t, "the app compared at the fixed revision", func() (bool, error) {
		app = refreshed(t, "opfail")
		return app.Status.Sync.Revision == fixed, nil
	})
	if app.Status.Sync.Status != v1alpha1.SyncStatusCodeOutOfSync {
		t.Errorf("sync status %s, want OutOfSync (old is still live)", app.Status.Sync.Status)
	}
	if os := app.Status.OperationState; os.Phase != v1alpha1.OperationError || !os.StartedAt.Equal(&errored.StartedAt) {
		t.Errorf("an operation ran after the errored one: %s %q", os.Phase, os.Message)
	}
	if uid := uidOf(t, "opfail", "old"); uid != oldUID {
		t.Errorf("old was pruned or replaced by the stale request: UID %q, was %q", uid, oldUID)
	}
}

// Given an app with automated sync but no selfHeal that was last synced by
// hand at the current revision,
// when a live object drifts,
// then it is left alone (any operation at a revision counts as its
// attempt, as in Argo CD); with selfHeal on, it is restored.
func TestAutomatedSyncCountsManualAttempts(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"})
	newApp(t, "attempts", repo.URL(), "app", nil)
	requestSync(t, "attempts", false)
	waitOperation(t, "attempts", sha)
	app := getApp(t, "attempts")
	patch := client.MergeFrom(app.DeepCopy())
	app.Spec.SyncPolicy = automated(false, false)
	if err := env.Client.Patch(ctx, app, patch); err != nil {
		t.Fatal(err)
	}

	cm := &corev1.ConfigMap{}
	if _, err := exists(cm, "attempts", "settings"); err != nil {
		t.Fatal(err)
	}
	drift := client.MergeFrom(cm.DeepCopy())
	cm.Data["mode"] = "slow"
	if err := env.Client.Patch(ctx, cm, drift, client.FieldOwner("kubectl-edit")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the drift seen", func() (bool, error) {
		return refreshed(t, "attempts").Status.Sync.Status == v1alpha1.SyncStatusCodeOutOfSync, nil
	})
	app = getApp(t, "attempts")
	if os := app.Status.OperationState; os.Operation.InitiatedBy.Automated {
		t.Errorf("an automated sync ran on drift without selfHeal: %+v", os.Operation)
	}
	if _, err := exists(cm, "attempts", "settings"); err != nil || cm.Data["mode"] != "slow" {
		t.Errorf("the drift was reverted without selfHeal: %v %v", cm.Data, err)
	}

	patch = client.MergeFrom(app.DeepCopy())
	app.Spec.SyncPolicy = automated(false, true)
	if err := env.Client.Patch(ctx, app, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "selfHeal restores the drift", func() (bool, error) {
		ok, err := exists(cm, "attempts", "settings")
		return ok && cm.Data["mode"] == "fast", err
	})
}

// Given a synced app whose path then holds no manifests,
// when automated sync is on without allowEmpty, nothing is pruned;
// when allowEmpty is set (no new commit), the objects are pruned;
// and a manual sync with prune of an empty path is not refused (allowEmpty
// is for automated syncs only, as in Argo CD).
func TestEmptyPath(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"auto/cm.yaml": configMaps("auto-a"), "manual/cm.yaml": configMaps("manual-a")})
	newApp(t, "empty-auto", repo.URL(), "auto", automated(true, false))
	newApp(t, "empty-manual", repo.URL(), "manual", nil)
	waitSyncedHealthy(t, "empty-auto", sha)
	requestSync(t, "empty-manual", true)
	waitOperation(t, "empty-manual", sha)
	uid := uidOf(t, "empty-auto", "auto-a")

	empty := repo.Commit("empty", map[string]string{"auto/cm.yaml": "", "manual/cm.yaml": ""})
	eventually(t, "the empty revision compared", func() (bool, error) {
		return refreshed(t, "empty-auto").Status.Sync.Revision == empty, nil
	})
	if got := uidOf(t, "empty-auto", "auto-a"); got != uid {
		t.Fatalf("an automated sync without allowEmpty pruned every object (UID %q, was %q)", got, uid)
	}

	app := getApp(t, "empty-auto")
	patch := client.MergeFrom(app.DeepCopy())
	app.Spec.SyncPolicy.Automated.AllowEmpty = true
	if err := env.Client.Patch(ctx, app, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "allowEmpty prunes without a new commit", func() (bool, error) { return uidOf(t, "empty-auto", "auto-a") == "", nil })

	refreshed(t, "empty-manual")
	requestSync(t, "empty-manual", true)
	os := waitOperation(t, "empty-manual", empty)
	if os.Phase != v1alpha1.OperationSucceeded {
		t.Fatalf("manual prune of an empty path: %s %q", os.Phase, os.Message)
	}
	if uidOf(t, "empty-manual", "manual-a") != "" {
		t.Error("the manual sync with prune left manual-a")
	}
}
