package application_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const badService = `apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  ports: [{port: 999999}]
`

const failHook = `apiVersion: v1
kind: ConfigMap
metadata:
  name: sync-failed
  annotations: {argocd.argoproj.io/hook: SyncFail}
data: {notify: oncall}
`

// Given an automated app whose sync fails (the API server rejects an
// object) and a retry limit of 1,
// when it syncs, the sync is retried once and then left Failed with a
// SyncError condition, not looped;
// when a commit fixes the object, the new revision syncs.
func TestFailingSyncRetriedThenNotLooped(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	bad := repo.Commit("bad", map[string]string{"app/svc.yaml": badService, "app/hook.yaml": failHook})
	factor := int64(1)
	policy := automated(true, false)
	policy.Retry = &v1alpha1.RetryStrategy{Limit: 1, Backoff: &v1alpha1.Backoff{Duration: "1s", Factor: &factor}}
	newApp(t, "retry", repo.URL(), "app", policy)

	var failed *v1alpha1.OperationState
	eventually(t, "sync failed after one retry", func() (bool, error) {
		app := getApp(t, "retry")
		os := app.Status.OperationState
		if os == nil || os.Phase != v1alpha1.OperationFailed || app.Operation != nil {
			return false, nil
		}
		failed = os
		return true, nil
	})
	if failed.RetryCount != 1 || failed.SyncResult.Revision != bad || !strings.Contains(failed.Message, "999999") {
		t.Errorf("failed operation: retries %d, revision %s, message %q", failed.RetryCount, failed.SyncResult.Revision, failed.Message)
	}
	// Several reconciles, none of which may start another sync.
	refreshed(t, "retry")
	app := refreshed(t, "retry")
	if os := app.Status.OperationState; os.StartedAt != failed.StartedAt || os.Phase != v1alpha1.OperationFailed {
		t.Errorf("a failed revision was synced again: %+v", os)
	}
	hasError := false
	for _, c := range app.Status.Conditions {
		hasError = hasError || c.Type == v1alpha1.ApplicationConditionSyncError
	}
	if !hasError {
		t.Errorf("no SyncError condition: %v", app.Status.Conditions)
	}

	if ok, _ := exists(&corev1.ConfigMap{}, "retry", "sync-failed"); !ok {
		t.Error("the SyncFail hook did not run")
	}

	good := repo.Commit("fix", map[string]string{"app/svc.yaml": strings.Replace(badService, "999999", "8080", 1)})
	waitSyncedHealthy(t, "retry", good)
}
