package application_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// retained is a ConfigMap that outlives its app's deletion (Delete=false).
const retained = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: retained\n  annotations: {argocd.argoproj.io/sync-options: Delete=false}\n"

// Given two synced apps, one with the resources finalizer,
// when both Applications are deleted,
// then the finalizer's app takes its resources with it, except the one
// marked Delete=false, and the other app leaves them all.
func TestDeleteCascadesOnlyWithFinalizer(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/cms.yaml": configMaps("one", "two") + retained})
	withFinalizer := newApp(t, "cascade", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	without := newApp(t, "orphan", repo.URL(), "app", automated(true, false))
	waitSyncedHealthy(t, "cascade", sha)
	waitSyncedHealthy(t, "orphan", sha)

	if err := env.Client.Delete(ctx, withFinalizer); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Delete(ctx, without); err != nil {
		t.Fatal(err)
	}
	eventually(t, "cascade's resources deleted", func() (bool, error) {
		one, err := exists(&corev1.ConfigMap{}, "cascade", "one")
		two, _ := exists(&corev1.ConfigMap{}, "cascade", "two")
		return !one && !two, err
	})
	eventually(t, "the cascade Application is gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.Application{}, "argocd", "cascade")
		return !ok, err
	})
	if ok, _ := exists(&corev1.ConfigMap{}, "cascade", "retained"); !ok {
		t.Error("the Delete=false ConfigMap was deleted with its app")
	}
	for _, name := range []string{"one", "two", "retained"} {
		if ok, _ := exists(&corev1.ConfigMap{}, "orphan", name); !ok {
			t.Errorf("ConfigMap orphan/%s deleted without the finalizer", name)
		}
	}
}
