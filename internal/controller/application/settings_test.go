package application_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// setArgoCDCM creates argocd-cm for the length of a test.
func setArgoCDCM(t *testing.T, data map[string]string) {
	t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "argocd-cm", Namespace: "argocd"}, Data: data}
	if err := env.Client.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, cm) })
}

// Given argocd-cm ignoring, for every Deployment, the fields that the
// field manager "kube-scaler" owns, and an app with RespectIgnoreDifferences,
// when kube-scaler changes the replicas,
// then the app stays Synced and a sync of a new commit keeps its replicas.
func TestSystemIgnoreDifferencesByManagedFieldsManager(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	setArgoCDCM(t, map[string]string{
		"resource.customizations.ignoreDifferences.apps_Deployment": "managedFieldsManagers: [kube-scaler]\n",
	})
	repo := gittest.New(t)
	sha := repo.Commit("app", map[string]string{"app/deploy.yaml": scaledApp})
	policy := automated(true, true)
	policy.SyncOptions = v1alpha1.SyncOptions{"RespectIgnoreDifferences=true"}
	newApp(t, "scaler", repo.URL(), "app", policy)
	waitSyncedHealthy(t, "scaler", sha)

	deploy := &appsv1.Deployment{}
	if _, err := exists(deploy, "scaler", "api"); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(deploy.DeepCopy())
	five := int32(5)
	deploy.Spec.Replicas = &five
	if err := env.Client.Patch(ctx, deploy, patch, client.FieldOwner("kube-scaler")); err != nil {
		t.Fatal(err)
	}
	waitSyncedHealthy(t, "scaler", sha)

	sha = repo.Commit("new image", map[string]string{"app/deploy.yaml": strings.Replace(scaledApp, "nginx:1.27", "nginx:1.28", 1)})
	waitSyncedHealthy(t, "scaler", sha)
	got := &appsv1.Deployment{}
	if _, err := exists(got, "scaler", "api"); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Template.Spec.Containers[0].Image != "nginx:1.28" || *got.Spec.Replicas != 5 {
		t.Errorf("image %s replicas %d, want nginx:1.28 and kube-scaler's 5", got.Spec.Template.Spec.Containers[0].Image, *got.Spec.Replicas)
	}
}

const settingsApp = `apiVersion: v1
kind: ConfigMap
metadata: {name: state}
data: {phase: broken}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: api}}
`

// Given argocd-cm that excludes PodDisruptionBudgets and has a Lua health
// check for ConfigMaps,
// when an app holds a PDB and a ConfigMap the check calls Degraded,
// then the PDB is neither created nor listed (an ExcludedResourceWarning
// says so), and the app is Degraded with the script's message.
func TestArgoCDCMExclusionsAndLuaHealth(t *testing.T) {
	env.Require(t)
	setArgoCDCM(t, map[string]string{
		"resource.exclusions": "- apiGroups: [policy]\n  kinds: [PodDisruptionBudget]\n",
		"resource.customizations.health.ConfigMap": `hs = {status = "Healthy", message = ""}
if obj.data ~= nil and obj.data.phase == "broken" then
  hs.status = "Degraded"
  hs.message = "phase is broken"
end
return hs
`,
	})
	repo := gittest.New(t)
	repo.Commit("app", map[string]string{"app/objects.yaml": settingsApp})
	newApp(t, "settings", repo.URL(), "app", automated(true, false))
	eventually(t, "the app Degraded by the Lua check", func() (bool, error) {
		app := getApp(t, "settings")
		return app.Status.Health.Status == v1alpha1.HealthStatusDegraded && app.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced, nil
	})
	app := getApp(t, "settings")
	warned := false
	for _, c := range app.Status.Conditions {
		warned = warned || (c.Type == v1alpha1.ApplicationConditionExcludedResourceWarning && strings.Contains(c.Message, "policy/PodDisruptionBudget api"))
	}
	if !warned {
		t.Errorf("no ExcludedResourceWarning for the PDB: %+v", app.Status.Conditions)
	}
	for _, rs := range app.Status.Resources {
		if rs.Kind == "PodDisruptionBudget" {
			t.Errorf("the excluded PDB is listed: %+v", rs)
		}
		if rs.Kind == "ConfigMap" && (rs.Health == nil || rs.Health.Message != "phase is broken") {
			t.Errorf("ConfigMap health = %+v, want the script's message", rs.Health)
		}
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "settings", "state"); !ok {
		t.Error("the ConfigMap was not synced")
	}
	if ok, _ := exists(&policyv1.PodDisruptionBudget{}, "settings", "api"); ok {
		t.Error("the excluded PodDisruptionBudget was created")
	}
}
