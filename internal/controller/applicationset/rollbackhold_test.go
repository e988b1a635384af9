package applicationset_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// heldSet makes one automated app over path svc of REPO.
const heldSet = `
metadata: {name: held}
spec:
  generators: [{list: {elements: [{svc: held-svc}]}}]
  template:
    metadata: {name: '{{svc}}'}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: svc}
      destination: {server: https://kubernetes.default.svc, namespace: held-svc}
      syncPolicy: {automated: {selfHeal: true}, syncOptions: [CreateNamespace=true]}
`

// svcFiles is the app's one ConfigMap at a version.
func svcFiles(version string) map[string]string {
	return map[string]string{"svc/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: held-svc}\ndata: {version: " + version + "}\n"}
}

// Given an automated app an ApplicationSet generates, When it is rolled
// back (a hold and a sync to the old revision, as tiphys app rollback
// does), Then the set rewriting its Applications and the branch's newer
// head do not move it: it stays on the old revision with the
// RollbackHoldWarning condition, until the branch renders the old content
// again; then the hold is released and the app follows the branch with
// nothing re-applied.
func TestRollbackHoldSurvivesItsApplicationSet(t *testing.T) {
	ctx := context.Background()
	repo := gittest.New(t)
	v1 := repo.Commit("v1", svcFiles("v1"))
	set := newSet(t, strings.ReplaceAll(heldSet, "REPO", repo.URL()))
	app := func() *v1alpha1.Application {
		a := &v1alpha1.Application{}
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: "held-svc"}, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	cm := func() *corev1.ConfigMap {
		c := &corev1.ConfigMap{}
		_ = env.Client.Get(ctx, client.ObjectKey{Namespace: "held-svc", Name: "settings"}, c)
		return c
	}
	waitApps(t, set, "held-svc")
	eventually(t, "v1 synced", func() (bool, error) { return app().Status.Sync.Revision == v1 && cm().Data["version"] == "v1", nil })
	v2 := repo.Commit("v2", svcFiles("v2"))
	eventually(t, "v2 synced", func() (bool, error) { return app().Status.Sync.Revision == v2 && cm().Data["version"] == "v2", nil })
	t.Cleanup(func() { _ = application.WriteHold(ctx, env.Client, "argocd", "argocd", "held-svc", nil) })

	// The rollback, as the CLI writes it.
	entry := app().Status.History[0]
	hold := &application.Hold{Revision: entry.Revision, HistoryID: entry.ID, By: "test", Reason: "bad v2", At: metav1.Now()}
	if err := application.WriteHold(ctx, env.Client, "argocd", "argocd", "held-svc", hold); err != nil {
		t.Fatal(err)
	}
	a := app()
	patch := client.MergeFrom(a.DeepCopy())
	src := entry.Source
	a.Operation = &v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Revision: entry.Revision, Source: &src}}
	if err := env.Client.Patch(ctx, a, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "rolled back to v1 and held", func() (bool, error) {
		a := app()
		return cm().Data["version"] == "v1" && a.Status.Sync.Revision == v1 && hasCondition(a, application.ConditionRollbackHold), nil
	})
	refreshSet(t, set) // the set rewrites its Applications
	time.Sleep(3 * time.Second)
	if a := app(); cm().Data["version"] != "v1" || a.Status.Sync.Revision != v1 {
		t.Fatalf("the hold did not hold: version %s, synced to %s", cm().Data["version"], a.Status.Sync.Revision)
	}

	rv := cm().ResourceVersion
	revert := repo.Commit("revert v2", svcFiles("v1"))
	eventually(t, "hold released and the branch followed", func() (bool, error) {
		a := app()
		h, err := application.ReadHold(ctx, env.Client, "argocd", "argocd", "held-svc")
		return err == nil && h != nil && !h.Active() && a.Status.Sync.Revision == revert &&
			a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && !hasCondition(a, application.ConditionRollbackHold), err
	})
	if c := cm(); c.ResourceVersion != rv {
		t.Errorf("the ConfigMap was applied again after the release (resourceVersion %s→%s)", rv, c.ResourceVersion)
	}
}

// hasCondition reports an app condition of type ct.
func hasCondition(a *v1alpha1.Application, ct v1alpha1.ApplicationConditionType) bool {
	for _, c := range a.Status.Conditions {
		if c.Type == ct {
			return true
		}
	}
	return false
}
