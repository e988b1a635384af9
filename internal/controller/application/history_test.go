package application_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

func versionedConfigMap(version string) map[string]string {
	return map[string]string{"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: release}\ndata: {version: " + version + "}\n"}
}

// Given an app with revisionHistoryLimit 2 that synced three commits,
// then its history holds the last two syncs only;
// when automated sync is turned off and a rollback operation names the
// oldest entry's source and revision,
// then the cluster has that revision's object again, the app is OutOfSync
// against Git, and the rollback is recorded in a history still trimmed to two.
func TestHistoryLimitAndRollback(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	v1 := repo.Commit("v1", versionedConfigMap("v1"))
	limit := int64(2)
	newApp(t, "history", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Spec.RevisionHistoryLimit = &limit
	})
	waitSyncedHealthy(t, "history", v1)
	v2 := repo.Commit("v2", versionedConfigMap("v2"))
	waitSyncedHealthy(t, "history", v2)
	v3 := repo.Commit("v3", versionedConfigMap("v3"))
	app := waitSyncedHealthy(t, "history", v3)
	if h := app.Status.History; len(h) != 2 || h[0].Revision != v2 || h[1].Revision != v3 || h[0].ID != 1 || h[1].ID != 2 {
		t.Fatalf("history = %+v, want IDs 1, 2 at %s, %s", h, v2, v3)
	}

	entry := app.Status.History[0]
	patch := client.MergeFrom(app.DeepCopy())
	app.Spec.SyncPolicy = nil
	src := entry.Source
	app.Operation = &v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Revision: entry.Revision, Source: &src, Prune: true},
		InitiatedBy: v1alpha1.OperationInitiator{Username: "test"}}
	if err := env.Client.Patch(ctx, app, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "rollback to v2 applied", func() (bool, error) {
		cm := &corev1.ConfigMap{}
		ok, err := exists(cm, "history", "release")
		a := getApp(t, "history")
		return ok && cm.Data["version"] == "v2" && a.Operation == nil && a.Status.OperationState.Phase == v1alpha1.OperationSucceeded, err
	})
	eventually(t, "app OutOfSync against Git, rollback in history", func() (bool, error) {
		a := getApp(t, "history")
		h := a.Status.History
		return a.Status.Sync.Status == v1alpha1.SyncStatusCodeOutOfSync && len(h) == 2 && h[1].Revision == v2 && h[1].ID == 3 &&
			h[1].InitiatedBy.Username == "test", nil
	})
}
