package applicationset_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a set with preserveResourcesOnDeletion whose Application (with
// the resources finalizer) has synced a ConfigMap,
// when the set is deleted,
// then the Application goes and the ConfigMap stays.
func TestPreserveResourcesOnDeletion(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	repo.Commit("app", map[string]string{"keep/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\n"})
	set := newSet(t, strings.ReplaceAll(`
metadata: {name: preserving}
spec:
  syncPolicy: {preserveResourcesOnDeletion: true}
  generators:
  - list: {elements: [{name: keeper}]}
  template:
    metadata: {name: '{{name}}', finalizers: [resources-finalizer.argocd.argoproj.io]}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: keep}
      destination: {server: https://kubernetes.default.svc, namespace: keeper}
      syncPolicy: {automated: {}, syncOptions: [CreateNamespace=true]}
`, "REPO", repo.URL()))
	waitApps(t, set, "keeper")
	t.Cleanup(func() { _ = env.Client.Delete(ctx, namespace("keeper")) })
	eventually(t, "keeper synced", func() (bool, error) {
		a := apps(t, set)["keeper"]
		return a != nil && a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced, nil
	})
	eventually(t, "the set holds its finalizer", func() (bool, error) {
		return len(getSet(t, set).Finalizers) > 0, nil
	})
	if err := env.Client.Delete(ctx, getSet(t, set)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the Application gone", func() (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: "keeper"}, &v1alpha1.Application{})
		return apierrors.IsNotFound(err), nil
	})
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: "keeper", Name: "kept"}, &corev1.ConfigMap{}); err != nil {
		t.Errorf("the ConfigMap went with the set: %v", err)
	}
}
