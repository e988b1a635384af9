package application_test

import (
	"context"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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

// selfManaged is an app's own manifest beside a CRD of its own.
const selfManaged = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: selfref
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: selfref}
  source: {repoURL: REPO, path: app, targetRevision: main}
  syncPolicy: {automated: {prune: true}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.selfref.example.com}
spec:
  group: selfref.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

// Given an app that manages its own Application manifest and a CRD,
// when it syncs, it is Synced and Healthy (its own manifest neither counts
// in its health nor holds up its sync, as in Argo CD);
// and when the Application is deleted with the resources finalizer,
// then it goes (it does not wait for its own deletion) and the CRD stays,
// as Argo CD never deletes CRDs with an app: that would delete every
// custom resource of the kind.
func TestDeleteSparesCRDsAndItself(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/all.yaml": strings.ReplaceAll(selfManaged, "REPO", repo.URL())})
	crd := func() *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("apiextensions.k8s.io/v1")
		u.SetKind("CustomResourceDefinition")
		u.SetName("gadgets.selfref.example.com")
		return u
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, crd()) })
	app := newApp(t, "selfref", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	waitSyncedHealthy(t, "selfref", sha)

	if err := env.Client.Delete(ctx, app); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the selfref Application is gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.Application{}, "argocd", "selfref")
		return !ok, err
	})
	if ok, err := exists(crd(), "", "gadgets.selfref.example.com"); !ok {
		t.Errorf("the CRD was deleted with its app (%v)", err)
	}
}

// Given an app whose objects include a kind the cluster does not serve (its
// CRD is not installed, so its syncs fail before they start),
// when the Application is deleted with the resources finalizer,
// then it goes: no object of that kind can exist to wait for.
func TestDeleteWithAKindNotServed(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/objects.yaml": configMaps("settings") +
		"---\napiVersion: rollouts.example.com/v1\nkind: Canary\nmetadata: {name: web}\nspec: {steps: 3}\n"})
	app := newApp(t, "notserved", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	op := waitOperation(t, "notserved", sha)
	if op.Phase != v1alpha1.OperationFailed || !strings.Contains(op.Message, "Canary") {
		t.Fatalf("sync %s: %s, want a failure naming the kind", op.Phase, op.Message)
	}

	if err := env.Client.Delete(ctx, app); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the notserved Application is gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.Application{}, "argocd", "notserved")
		return !ok, err
	})
}
