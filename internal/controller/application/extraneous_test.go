package application_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a synced app without automated prune,
// when an object carrying the app's tracking id but not in Git appears with
// the compare option IgnoreExtraneous, the app stays Synced and lists the
// object as requiring pruning;
// when another such object appears without the option, the app is OutOfSync.
func TestIgnoreExtraneous(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/cms.yaml": configMaps("declared")})
	newApp(t, "extra", repo.URL(), "app", automated(false, false))
	waitSyncedHealthy(t, "extra", sha)

	stray := func(name string, annotations map[string]string) {
		t.Helper()
		annotations["argocd.argoproj.io/tracking-id"] = "extra:/ConfigMap:extra/" + name
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "extra", Annotations: annotations}}
		if err := env.Client.Create(ctx, cm); err != nil {
			t.Fatal(err)
		}
	}
	stray("generated", map[string]string{"argocd.argoproj.io/compare-options": "IgnoreExtraneous"})
	eventually(t, "the ignored extraneous object listed, the app Synced", func() (bool, error) {
		app := getApp(t, "extra")
		for _, rs := range app.Status.Resources {
			if rs.Name == "generated" && rs.RequiresPruning {
				return app.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced, nil
			}
		}
		return false, nil
	})

	stray("leftover", map[string]string{})
	eventually(t, "the app OutOfSync for the other extraneous object", func() (bool, error) {
		return getApp(t, "extra").Status.Sync.Status == v1alpha1.SyncStatusCodeOutOfSync, nil
	})
}
