package exampleapps_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/application/apptest"
	"github.com/tiphys/tiphys/internal/testenv"
)

// checkoutEnv names the checkout of argoproj/argocd-example-apps to run.
const checkoutEnv = "TIPHYS_ARGOCD_EXAMPLE_APPS"

var env *testenv.Env

func TestMain(m *testing.M) {
	if os.Getenv(checkoutEnv) == "" {
		// Every test skips; no plane is needed.
		os.Exit(m.Run())
	}
	os.Exit(apptest.Main(m, &env, application.Options{Resync: 10 * time.Second}))
}

// checkout is the example repository's directory, or a skip when none is given.
func checkout(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(checkoutEnv)
	if dir == "" {
		t.Skipf("Argo CD example apps: set %s to a checkout of https://github.com/argoproj/argocd-example-apps", checkoutEnv)
	}
	env.Require(t)
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		t.Fatalf("%s=%s: %v", checkoutEnv, dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "apps", "Chart.yaml")); err != nil {
		t.Fatalf("%s=%s is not a checkout of argocd-example-apps: %v", checkoutEnv, dir, err)
	}
	return abs
}

// eventually polls cond until it holds or timeout passes; the timeout only
// bounds a failing test.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 500*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: did not happen within %s (last: %v)", what, timeout, last)
	}
}

func getApp(name string) (*v1alpha1.Application, error) {
	app := &v1alpha1.Application{}
	err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: name}, app)
	return app, err
}

// syncedHealthy tells whether an app is Synced and Healthy at revision with
// no operation pending, and else why not.
func syncedHealthy(name, revision string) (*v1alpha1.Application, error) {
	app, err := getApp(name)
	if err != nil {
		return nil, err
	}
	if app.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && app.Status.Health.Status == v1alpha1.HealthStatusHealthy &&
		atRevision(app.Status.Sync, revision) && app.Operation == nil &&
		app.Status.OperationState != nil && app.Status.OperationState.Phase == v1alpha1.OperationSucceeded {
		return app, nil
	}
	return app, fmt.Errorf("%s", describe(app))
}

// atRevision tells whether an app's sources were compared at revision: its
// one source's, or every source's of a multi-source app (whose sync status
// has revisions and no revision, as in Argo CD).
func atRevision(sync v1alpha1.SyncStatus, revision string) bool {
	if len(sync.Revisions) == 0 {
		return sync.Revision == revision
	}
	for _, r := range sync.Revisions {
		if r != revision {
			return false
		}
	}
	return true
}

// describe says where an app stands, for failure messages.
func describe(app *v1alpha1.Application) string {
	op := "none"
	if os := app.Status.OperationState; os != nil {
		op = fmt.Sprintf("%s: %s", os.Phase, os.Message)
	}
	rev := app.Status.Sync.Revision
	if rev == "" && len(app.Status.Sync.Revisions) > 0 {
		rev = app.Status.Sync.Revisions[0]
	}
	s := fmt.Sprintf("%s: sync %s at %.7s, health %s %s, operation %s", app.Name, app.Status.Sync.Status,
		rev, app.Status.Health.Status, app.Status.Health.Message, op)
	for _, c := range app.Status.Conditions {
		s += fmt.Sprintf("; condition %s: %s", c.Type, c.Message)
	}
	for _, r := range app.Status.Resources {
		if r.Status != v1alpha1.SyncStatusCodeSynced || (r.Health != nil && r.Health.Status != v1alpha1.HealthStatusHealthy) {
			h := ""
			if r.Health != nil {
				h = string(r.Health.Status) + " " + r.Health.Message
			}
			s += fmt.Sprintf("; %s %s/%s %s %s", r.Kind, r.Namespace, r.Name, r.Status, h)
		}
	}
	return s
}
