package application_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/application/apptest"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(apptest.Main(m, &env, application.Options{Resync: 2 * time.Second}))
}

// newApp creates an Application for the path of a repository in its own
// destination namespace and returns it.
func newApp(t *testing.T, name, repoURL, path string, policy *v1alpha1.SyncPolicy, mutate ...func(*v1alpha1.Application)) *v1alpha1.Application {
	t.Helper()
	ctx := context.Background()
	// A namespace of an earlier run of the same test (go test -count=2)
	// is still being deleted: wait until it is gone.
	eventually(t, "namespace "+name+" of an earlier run gone", func() (bool, error) {
		ok, err := exists(&corev1.Namespace{}, "", name)
		return !ok, err
	})
	if err := env.Client.Create(ctx, namespace(name)); err != nil {
		t.Fatal(err)
	}
	app := &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd"},
		Spec: v1alpha1.ApplicationSpec{
			Project:     "default",
			Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: name},
			Source:      &v1alpha1.ApplicationSource{RepoURL: repoURL, Path: path, TargetRevision: "main"},
			SyncPolicy:  policy,
		},
	}
	for _, f := range mutate {
		f(app)
	}
	eventually(t, "application "+name+" of an earlier run gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.Application{}, "argocd", name)
		return !ok, err
	})
	if err := env.Client.Create(ctx, app); err != nil {
		t.Fatal(err)
	}
	// Leave nothing behind for the next run: the app (its finalizers, if
	// any, are the test's to honour) and its namespace.
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd"}})
		_ = env.Client.Delete(ctx, namespace(name))
	})
	return app
}

func automated(prune, selfHeal bool) *v1alpha1.SyncPolicy {
	return &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{Prune: prune, SelfHeal: selfHeal}}
}

// eventually polls cond until it holds; the timeout only bounds a failing test.
func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 90*time.Second, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: did not happen (last error: %v)", what, last)
	}
}

func getApp(t *testing.T, name string) *v1alpha1.Application {
	t.Helper()
	app := &v1alpha1.Application{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: name}, app); err != nil {
		t.Fatal(err)
	}
	return app
}

// waitSyncedHealthy waits until the app is Synced and Healthy at revision.
func waitSyncedHealthy(t *testing.T, name, revision string) *v1alpha1.Application {
	t.Helper()
	var app *v1alpha1.Application
	eventually(t, name+" Synced and Healthy at "+revision, func() (bool, error) {
		app = getApp(t, name)
		if app.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && app.Status.Health.Status == v1alpha1.HealthStatusHealthy &&
			app.Status.Sync.Revision == revision && app.Operation == nil {
			return true, nil
		}
		msg := ""
		if os := app.Status.OperationState; os != nil {
			msg = string(os.Phase) + ": " + os.Message
		}
		return false, fmt.Errorf("sync %s at %s, health %s, operation %s, conditions %v",
			app.Status.Sync.Status, app.Status.Sync.Revision, app.Status.Health.Status, msg, app.Status.Conditions)
	})
	return app
}

// refreshed asks the controller to look at an app again (the refresh
// annotation) and waits until it has: the controller removes the
// annotation in the same status write that records what it decided. It
// returns the app as that reconcile left it. A test that shows something
// did not happen waits for this, never for time to pass.
func refreshed(t *testing.T, name string) *v1alpha1.Application {
	t.Helper()
	ctx := context.Background()
	app := getApp(t, name)
	patch := client.MergeFrom(app.DeepCopy())
	if app.Annotations == nil {
		app.Annotations = map[string]string{}
	}
	app.Annotations["argocd.argoproj.io/refresh"] = "normal"
	if err := env.Client.Patch(ctx, app, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, name+" refreshed", func() (bool, error) {
		app = getApp(t, name)
		_, pending := app.Annotations["argocd.argoproj.io/refresh"]
		return !pending, nil
	})
	return app
}

// requestSync sets a manual sync operation on an app, as `tiphys app sync` does.
func requestSync(t *testing.T, name string, prune bool) {
	t.Helper()
	app := getApp(t, name)
	patch := client.MergeFrom(app.DeepCopy())
	app.Operation = &v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: prune},
		InitiatedBy: v1alpha1.OperationInitiator{Username: "tester"}}
	if err := env.Client.Patch(context.Background(), app, patch); err != nil {
		t.Fatal(err)
	}
}
