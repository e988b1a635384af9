package application_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const gizmo = `apiVersion: gadgets.example.com/v1
kind: Gizmo
metadata:
  name: spinner
  annotations: {argocd.argoproj.io/sync-wave: "1"OPTIONS}
spec: {speed: 3}
`

// waitOperation waits for an app's operation to end and returns its state.
func waitOperation(t *testing.T, name, revision string) *v1alpha1.OperationState {
	t.Helper()
	var os *v1alpha1.OperationState
	eventually(t, name+" operation at "+revision+" finished", func() (bool, error) {
		app := getApp(t, name)
		os = app.Status.OperationState
		return app.Operation == nil && os != nil && os.SyncResult != nil && os.SyncResult.Revision == revision &&
			os.Phase != v1alpha1.OperationRunning, nil
	})
	return os
}

// Given an app whose wave 1 holds a custom resource of a kind the cluster
// does not serve, and no CRD for it in the app,
// when it syncs, the sync fails before it changes anything (the wave 0
// ConfigMap is not created) and the message names the object;
// when the object opts in with SkipDryRunOnMissingResource=true, the sync
// starts: wave 0 is applied and the sync fails only at the object itself.
func TestMissingKindStopsTheSyncBeforeItStarts(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	files := func(options string) map[string]string {
		return map[string]string{"app/cm.yaml": configMaps("before-gizmo"), "app/gizmo.yaml": strings.Replace(gizmo, "OPTIONS", options, 1)}
	}
	first := repo.Commit("gizmo", files(""))
	newApp(t, "missing-kind", repo.URL(), "app", automated(true, false))
	os := waitOperation(t, "missing-kind", first)
	if os.Phase != v1alpha1.OperationFailed || !strings.Contains(os.Message, "Gizmo missing-kind/spinner") || !strings.Contains(os.Message, "CRD") {
		t.Fatalf("operation %s: %s", os.Phase, os.Message)
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "missing-kind", "before-gizmo"); ok {
		t.Error("the sync changed the cluster although it could not finish")
	}

	second := repo.Commit("skip dry run", files(", argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true"))
	os = waitOperation(t, "missing-kind", second)
	if os.Phase != v1alpha1.OperationFailed || !strings.Contains(os.Message, "Gizmo") {
		t.Fatalf("operation %s: %s", os.Phase, os.Message)
	}
	if ok, err := exists(&corev1.ConfigMap{}, "missing-kind", "before-gizmo"); !ok {
		t.Errorf("wave 0 was not applied: %v", err)
	}
}

const strictConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: typo
  annotations: {ANNOTATIONS}
data: {mode: fast}
bogus: true
`

// Given an object with a field its kind does not have,
// when the app syncs, the server's strict field validation rejects it and
// the sync fails with a message that names the object and the field;
// when the object carries Validate=false, it syncs without the field.
func TestValidateFalseSkipsStrictFieldValidation(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	strict := repo.Commit("typo", map[string]string{"app/cm.yaml": strings.Replace(strictConfigMap, "ANNOTATIONS", "", 1)})
	newApp(t, "validate", repo.URL(), "app", automated(true, false))
	os := waitOperation(t, "validate", strict)
	if os.Phase != v1alpha1.OperationFailed || !strings.Contains(os.Message, "ConfigMap validate/typo") || !strings.Contains(os.Message, "bogus") {
		t.Fatalf("operation %s: %s", os.Phase, os.Message)
	}
	lax := repo.Commit("lax", map[string]string{"app/cm.yaml": strings.Replace(strictConfigMap, "ANNOTATIONS",
		"argocd.argoproj.io/sync-options: Validate=false", 1)})
	os = waitOperation(t, "validate", lax)
	if os.Phase != v1alpha1.OperationSucceeded {
		t.Fatalf("operation %s: %s", os.Phase, os.Message)
	}
	cm := &corev1.ConfigMap{}
	if ok, err := exists(cm, "validate", "typo"); !ok || cm.Data["mode"] != "fast" {
		t.Errorf("ConfigMap %v (%v)", cm.Data, err)
	}
}

const immutableConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: frozen
  annotations: {ANNOTATIONS}
immutable: true
data: {level: LEVEL}
`

// Given an immutable ConfigMap,
// when a commit changes its data, the server refuses the change and the
// sync fails naming the object;
// when the object carries Force=true, the sync deletes and creates it again
// with the new data.
func TestForceRecreatesWhatCannotBeChanged(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	frozen := func(level, annotations string) map[string]string {
		return map[string]string{"app/cm.yaml": strings.NewReplacer("LEVEL", level, "ANNOTATIONS", annotations).Replace(immutableConfigMap)}
	}
	first := repo.Commit("one", frozen("one", ""))
	newApp(t, "force", repo.URL(), "app", automated(true, false))
	waitSyncedHealthy(t, "force", first)

	refused := repo.Commit("two", frozen("two", ""))
	os := waitOperation(t, "force", refused)
	if os.Phase != v1alpha1.OperationFailed || !strings.Contains(os.Message, "ConfigMap force/frozen") || !strings.Contains(os.Message, "immutable") {
		t.Fatalf("operation %s: %s", os.Phase, os.Message)
	}
	forced := repo.Commit("two, forced", frozen("two", "argocd.argoproj.io/sync-options: Force=true"))
	waitSyncedHealthy(t, "force", forced)
	cm := &corev1.ConfigMap{}
	if ok, err := exists(cm, "force", "frozen"); !ok || cm.Data["level"] != "two" {
		t.Errorf("ConfigMap data %v (%v), want level two", cm.Data, err)
	}
}
