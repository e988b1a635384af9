package application_test

import (
	"context"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// hookAndKept are a PreSync hook Job that stays after it succeeds (the
// default BeforeHookCreation policy), a Helm post-install hook Job, and a
// ConfigMap that Helm's resource policy keeps.
const hookAndKept = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: page-down
  annotations: {helm.sh/hook: post-install}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: page, image: busybox:1.36}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kept
  annotations: {helm.sh/resource-policy: keep}
`

// Given a synced app with the resources finalizer whose hooks left their
// Jobs behind (hooks are not among its resources),
// when the Application is deleted,
// then the hook Jobs are deleted with its resources, as Argo CD deletes
// every object carrying the app's tracking id, and the ConfigMap with
// helm.sh/resource-policy: keep stays (Argo CD's Delete=false).
func TestDeleteTakesHookObjects(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/objects.yaml": configMaps("settings") + "---\n" + hookAndKept})
	app := newApp(t, "delhooks", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	waitSyncedHealthy(t, "delhooks", sha)
	for _, name := range []string{"migrate", "page-down"} {
		if ok, err := exists(&batchv1.Job{}, "delhooks", name); !ok {
			t.Fatalf("hook Job %s did not run (%v)", name, err)
		}
	}

	if err := env.Client.Delete(ctx, app); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the delhooks Application is gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.Application{}, "argocd", "delhooks")
		return !ok, err
	})
	for _, name := range []string{"migrate", "page-down"} {
		if ok, _ := exists(&batchv1.Job{}, "delhooks", name); ok {
			t.Errorf("hook Job %s outlived its app", name)
		}
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "delhooks", "settings"); ok {
		t.Error("ConfigMap settings outlived its app")
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "delhooks", "kept"); !ok {
		t.Error("the ConfigMap with helm.sh/resource-policy: keep was deleted with its app")
	}
}
