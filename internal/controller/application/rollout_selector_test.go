package application_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const stableService = `apiVersion: v1
kind: Service
metadata: {name: web-stable, labels: {tier: LABEL}}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`

// Given an automated, self-healing app whose Service a Rollout manages
// (the Rollout controller added rollouts-pod-template-hash to the selector
// and its managed-by annotation, as its own field manager),
// when the app compares and a commit changes the Service,
// then the Service is Synced and the sync keeps the Rollout's selector key
// (Argo CD's default diff ignores a key nobody applied).
func TestServiceSelectorOfARolloutIsKept(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("svc", map[string]string{"app/svc.yaml": strings.Replace(stableService, "LABEL", "a", 1)})
	newApp(t, "rosvc", repo.URL(), "app", automated(true, true))
	waitSyncedHealthy(t, "rosvc", sha)

	svc := &corev1.Service{}
	if _, err := exists(svc, "rosvc", "web-stable"); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(svc.DeepCopy())
	svc.Spec.Selector["rollouts-pod-template-hash"] = "5d8f6c"
	svc.Annotations["argo-rollouts.argoproj.io/managed-by-rollouts"] = "web"
	if err := env.Client.Patch(ctx, svc, patch, client.FieldOwner("rollouts-controller")); err != nil {
		t.Fatal(err)
	}

	sha = repo.Commit("label", map[string]string{"app/svc.yaml": strings.Replace(stableService, "LABEL", "b", 1)})
	app := waitSyncedHealthy(t, "rosvc", sha)
	got := &corev1.Service{}
	if _, err := exists(got, "rosvc", "web-stable"); err != nil {
		t.Fatal(err)
	}
	if got.Labels["tier"] != "b" {
		t.Fatalf("tier label %q, want b (the commit was not synced)", got.Labels["tier"])
	}
	if h := got.Spec.Selector["rollouts-pod-template-hash"]; h != "5d8f6c" {
		t.Errorf("selector hash %q after the sync, want the Rollout's 5d8f6c (selector %v)", h, got.Spec.Selector)
	}
	for _, r := range app.Status.Resources {
		if r.Kind == "Service" && r.Status != v1alpha1.SyncStatusCodeSynced {
			t.Errorf("Service %s: %s, want Synced", r.Name, r.Status)
		}
	}
}
