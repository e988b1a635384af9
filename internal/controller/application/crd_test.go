package application_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const crdApp = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: gizmo}
spec: {size: 3}
`

// Given an app holding a CRD and a custom resource of it, in a namespace
// that CreateNamespace=true creates with managed metadata,
// when it syncs,
// then the CRD is established before the custom resource is applied and
// both exist, the namespace carries the managed label, and the app is
// Synced and Healthy.
func TestCRDAndItsResourcesInOneSync(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	sha := repo.Commit("crd", map[string]string{"app/all.yaml": crdApp})
	app := &v1alpha1.Application{}
	app.Name, app.Namespace = "widgets", "argocd"
	app.Spec = v1alpha1.ApplicationSpec{
		Project:     "default",
		Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: "widgets-ns"},
		Source:      &v1alpha1.ApplicationSource{RepoURL: repo.URL(), Path: "app", TargetRevision: "main"},
		SyncPolicy: &v1alpha1.SyncPolicy{
			Automated:                &v1alpha1.SyncPolicyAutomated{Prune: true},
			SyncOptions:              v1alpha1.SyncOptions{"CreateNamespace=true"},
			ManagedNamespaceMetadata: &v1alpha1.ManagedNamespaceMetadata{Labels: map[string]string{"team": "gadgets"}},
		},
	}
	for _, obj := range []client.Object{&corev1.Namespace{}, &v1alpha1.Application{}} {
		name, ns := "widgets-ns", ""
		if _, isApp := obj.(*v1alpha1.Application); isApp {
			name, ns = "widgets", "argocd"
		}
		eventually(t, name+" of an earlier run gone", func() (bool, error) {
			ok, err := exists(obj, ns, name)
			return !ok, err
		})
	}
	if err := env.Client.Create(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = env.Client.Delete(context.Background(), app)
		_ = env.Client.Delete(context.Background(), namespace("widgets-ns"))
	})
	waitSyncedHealthy(t, "widgets", sha)

	widget := &unstructured.Unstructured{}
	widget.SetGroupVersionKind(schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"})
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "widgets-ns", Name: "gizmo"}, widget); err != nil {
		t.Fatalf("custom resource: %v", err)
	}
	ns := &corev1.Namespace{}
	if _, err := exists(ns, "", "widgets-ns"); err != nil {
		t.Fatal(err)
	}
	if ns.Labels["team"] != "gadgets" {
		t.Errorf("namespace labels = %v, want team=gadgets", ns.Labels)
	}
}
