package application_test

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const scaledApp = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: nginx:1.27}]
`

// Given an app that ignores /spec/replicas of its Deployment with
// RespectIgnoreDifferences and self-heal on,
// when another field manager (an HPA) changes the replicas,
// then the app stays Synced and a new sync (a commit that changes the
// image) keeps the HPA's replicas.
func TestIgnoreDifferencesKeepsHPAReplicas(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/deploy.yaml": scaledApp})
	policy := automated(true, true)
	policy.SyncOptions = v1alpha1.SyncOptions{"RespectIgnoreDifferences=true"}
	newApp(t, "hpa", repo.URL(), "app", policy, func(a *v1alpha1.Application) {
		a.Spec.IgnoreDifferences = v1alpha1.IgnoreDifferences{{Group: "apps", Kind: "Deployment", JSONPointers: []string{"/spec/replicas"}}}
	})
	waitSyncedHealthy(t, "hpa", sha)

	deploy := &appsv1.Deployment{}
	if _, err := exists(deploy, "hpa", "api"); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(deploy.DeepCopy())
	seven := int32(7)
	deploy.Spec.Replicas = &seven
	if err := env.Client.Patch(ctx, deploy, patch, client.FieldOwner("horizontal-pod-autoscaler")); err != nil {
		t.Fatal(err)
	}
	waitSyncedHealthy(t, "hpa", sha)

	sha = repo.Commit("new image", map[string]string{"app/deploy.yaml": scaledApp[:len(scaledApp)-len("nginx:1.27}]\n")] + "nginx:1.28}]\n"})
	waitSyncedHealthy(t, "hpa", sha)
	got := &appsv1.Deployment{}
	if _, err := exists(got, "hpa", "api"); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Template.Spec.Containers[0].Image != "nginx:1.28" {
		t.Errorf("image = %s, want nginx:1.28 (the sync did not run)", got.Spec.Template.Spec.Containers[0].Image)
	}
	if *got.Spec.Replicas != 7 {
		t.Errorf("replicas = %d, want the HPA's 7", *got.Spec.Replicas)
	}
}
