package application_test

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const healApp = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`

// Given a synced app with selfHeal,
// when an object is deleted and another edited behind the controller's back,
// then both are restored from Git (seen through the watch, not a resync).
func TestSelfHeal(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/all.yaml": healApp})
	newApp(t, "heal", repo.URL(), "app", automated(false, true))
	waitSyncedHealthy(t, "heal", sha)

	cm := &corev1.ConfigMap{}
	if _, err := exists(cm, "heal", "settings"); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	deploy := &appsv1.Deployment{}
	if _, err := exists(deploy, "heal", "web"); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(deploy.DeepCopy())
	five := int32(5)
	deploy.Spec.Replicas = &five
	if err := env.Client.Patch(ctx, deploy, patch, client.FieldOwner("kubectl-edit")); err != nil {
		t.Fatal(err)
	}

	eventually(t, "deleted ConfigMap restored", func() (bool, error) { return exists(&corev1.ConfigMap{}, "heal", "settings") })
	eventually(t, "edited replicas restored", func() (bool, error) {
		d := &appsv1.Deployment{}
		ok, err := exists(d, "heal", "web")
		return ok && d.Spec.Replicas != nil && *d.Spec.Replicas == 2, err
	})
}
