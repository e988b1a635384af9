package application_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const childApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: NAME
  namespace: argocd
  annotations: {argocd.argoproj.io/sync-wave: "WAVE"}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: parent}
  source: {repoURL: REPO, path: children/NAME, targetRevision: main}
  syncPolicy: {automated: {prune: true}}
`

// Given an app of apps whose two children are in waves 0 and 1,
// when the parent syncs,
// then the second child is created only after the first is Healthy (the
// child's health gates the parent's waves), both children sync their own
// resources, the parent is Healthy once they are,
// and deleting the parent cascades to the children and their resources.
func TestAppOfApps(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	child := func(name, wave string) string {
		return strings.NewReplacer("NAME", name, "WAVE", wave, "REPO", repo.URL()).Replace(childApp)
	}
	sha := repo.Commit("apps", map[string]string{
		"apps/first.yaml":             child("first", "0"),
		"apps/second.yaml":            child("second", "1"),
		"children/first/cm.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n",
		"children/second/deploy.yaml": strings.Replace(healApp, "name: settings", "name: second-settings", 1),
	})
	parent := newApp(t, "parent", repo.URL(), "apps", automated(true, false), func(a *v1alpha1.Application) {
		a.Spec.Destination.Namespace = "argocd"
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	waitSyncedHealthy(t, "parent", sha)
	first, second := getApp(t, "first"), getApp(t, "second")
	if first.Status.Health.Status != v1alpha1.HealthStatusHealthy || second.Status.Health.Status != v1alpha1.HealthStatusHealthy {
		t.Errorf("children health: first %s, second %s", first.Status.Health.Status, second.Status.Health.Status)
	}
	// The first child was Healthy (it had synced) before the second existed.
	if len(first.Status.History) == 0 || !first.Status.History[0].DeployedAt.Time.Before(second.CreationTimestamp.Time.Add(1)) {
		t.Errorf("second child created at %s, before the first finished syncing (%v)", second.CreationTimestamp, first.Status.History)
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "parent", "first"); !ok {
		t.Error("the first child's ConfigMap is missing")
	}

	if err := env.Client.Delete(ctx, parent); err != nil {
		t.Fatal(err)
	}
	eventually(t, "children and their resources deleted", func() (bool, error) {
		a, _ := exists(&v1alpha1.Application{}, "argocd", "first")
		b, _ := exists(&v1alpha1.Application{}, "argocd", "second")
		cm, err := exists(&corev1.ConfigMap{}, "parent", "first")
		return !a && !b && !cm, err
	})
}
