package application_test

import (
	"context"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const orderedApp = `apiVersion: v1
kind: ConfigMap
metadata:
  name: post
  annotations: {argocd.argoproj.io/hook: PostSync}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: late
  annotations: {argocd.argoproj.io/sync-wave: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: early
  annotations: {argocd.argoproj.io/sync-wave: "-1"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: pre
  annotations: {argocd.argoproj.io/hook: PreSync}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`

// Given an app with PreSync and PostSync hooks and three waves,
// when it syncs automatically,
// then the objects are created in Argo CD's order (observed through their
// etcd creation revisions), the app is Synced and Healthy with one history
// entry, and hooks are not listed as out of sync.
func TestWavesAndHooksRunInOrder(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/all.yaml": orderedApp})
	newApp(t, "ordered", repo.URL(), "app", automated(true, false))
	app := waitSyncedHealthy(t, "ordered", sha)

	created := map[string]int{}
	for _, name := range []string{"pre", "early", "late", "post"} {
		cm := &corev1.ConfigMap{}
		if ok, err := exists(cm, "ordered", name); !ok {
			t.Fatalf("ConfigMap %s missing: %v", name, err)
		}
		rv, _ := strconv.Atoi(cm.ResourceVersion)
		created[name] = rv
	}
	if !(created["pre"] < created["early"] && created["early"] < created["late"] && created["late"] < created["post"]) {
		t.Errorf("creation order by revision: %v, want pre < early < late < post", created)
	}
	if len(app.Status.History) != 1 || app.Status.History[0].Revision != sha {
		t.Errorf("history = %+v, want one entry at %s", app.Status.History, sha)
	}
	if app.Status.OperationState == nil || app.Status.OperationState.Phase != v1alpha1.OperationSucceeded {
		t.Errorf("operation state = %+v", app.Status.OperationState)
	}
	for _, rs := range app.Status.Resources {
		if rs.Hook {
			t.Errorf("hook %s listed in resources", rs.Name)
		}
		if rs.Status != v1alpha1.SyncStatusCodeSynced {
			t.Errorf("resource %s/%s is %s", rs.Kind, rs.Name, rs.Status)
		}
	}
	eventually(t, "sync start and end events on the Application", func() (bool, error) {
		list, err := env.Kube.EventsV1().Events("argocd").List(context.Background(), metav1.ListOptions{FieldSelector: "regarding.name=ordered"})
		if err != nil {
			return false, err
		}
		reasons := map[string]bool{}
		for _, e := range list.Items {
			reasons[e.Reason] = true
		}
		return reasons["OperationStarted"] && reasons["OperationCompleted"], nil
	})
	if len(app.Status.Summary.Images) != 1 || app.Status.Summary.Images[0] != "nginx:1.27" {
		t.Errorf("summary images = %v", app.Status.Summary.Images)
	}
}
