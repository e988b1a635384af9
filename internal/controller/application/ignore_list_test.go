package application_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const twoContainers = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: "nginx:1.27"}
      - {name: sidecar, image: "busybox:1.36"}
`

// Given an app that ignores /spec/template/spec/containers/0/image of its
// Deployment with RespectIgnoreDifferences,
// when an image updater changes that image in the cluster and a commit then
// changes a label and the other container's image,
// then the sync applies the commit and keeps the updater's image: an
// ignored field inside a list keeps its live value, the rest of the list
// comes from Git.
func TestIgnoreDifferencesKeepsImageInList(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/deploy.yaml": twoContainers})
	policy := automated(true, true)
	policy.SyncOptions = v1alpha1.SyncOptions{"RespectIgnoreDifferences=true"}
	newApp(t, "ignore-list", repo.URL(), "app", policy, func(a *v1alpha1.Application) {
		a.Spec.IgnoreDifferences = v1alpha1.IgnoreDifferences{{Group: "apps", Kind: "Deployment",
			JSONPointers: []string{"/spec/template/spec/containers/0/image"}}}
	})
	waitSyncedHealthy(t, "ignore-list", sha)

	deploy := &appsv1.Deployment{}
	if _, err := exists(deploy, "ignore-list", "api"); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(deploy.DeepCopy())
	deploy.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
	if err := env.Client.Patch(ctx, deploy, patch, client.FieldOwner("argocd-image-updater")); err != nil {
		t.Fatal(err)
	}
	waitSyncedHealthy(t, "ignore-list", sha)

	changed := strings.NewReplacer("{name: api, labels: {app: api}}", "{name: api, labels: {app: api, tier: backend}}", "busybox:1.36", "busybox:1.37").Replace(twoContainers)
	sha = repo.Commit("label and sidecar", map[string]string{"app/deploy.yaml": changed})
	waitSyncedHealthy(t, "ignore-list", sha)
	got := &appsv1.Deployment{}
	if _, err := exists(got, "ignore-list", "api"); err != nil {
		t.Fatal(err)
	}
	if got.Labels["tier"] != "backend" {
		t.Errorf("labels = %v, want tier=backend (the sync did not run)", got.Labels)
	}
	images := map[string]string{}
	for _, c := range got.Spec.Template.Spec.Containers {
		images[c.Name] = c.Image
	}
	if want := map[string]string{"api": "nginx:1.28", "sidecar": "busybox:1.37"}; len(images) != 2 || images["api"] != want["api"] || images["sidecar"] != want["sidecar"] {
		t.Errorf("images = %v, want %v (the updater's image kept, the sidecar's from Git)", images, want)
	}
}
