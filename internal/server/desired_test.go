package server

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tcluster "github.com/tiphys/tiphys/internal/cluster"
)

// Given an app whose branch renders ConfigMap settings with mode v2, the
// live one holding v1, and a server that renders apps,
// when the admin asks for its managed resources,
// then the ConfigMap's target state is the rendered one, its predicted
// live state has v2, it is modified and its diff shows v1 → v2; an app
// whose repository does not exist is a 500 naming the app.
func TestManagedResourcesDesiredState(t *testing.T) {
	a := newAPI(t, unique("srv-desired"))
	local, err := tcluster.Connect(tcluster.InCluster, env.Config, tcluster.ConnectOptions{FieldManager: tcluster.FieldManager})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(local.Stop)
	comparer, err := RegistryComparer(&tcluster.Registry{Client: env.Client, Namespace: a.ns, Local: local}, env.Client, a.ns, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a.s.opts.Comparer = comparer
	repo, good, bad := newServedRepo(t)
	app := a.historyApp("web", repo, good, bad, false)
	dest := a.namespace("srv-desired-web")
	app.Spec.Destination.Namespace = dest
	app.Status.Resources = nil
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: dest, Name: "settings"}, Data: map[string]string{"mode": "v1"}})
	if err := env.Client.Update(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	admin := a.admin()

	items := a.managed("web/managed-resources", admin)
	cm, ok := items["settings"]
	if !ok {
		t.Fatalf("settings not listed: %+v", items)
	}
	var target, predicted corev1.ConfigMap
	if err := json.Unmarshal([]byte(cm.TargetState), &target); err != nil || target.Data["mode"] != "v2" {
		t.Errorf("target state %q (%v), want mode v2", cm.TargetState, err)
	}
	if err := json.Unmarshal([]byte(cm.PredictedLiveState), &predicted); err != nil || predicted.Data["mode"] != "v2" || predicted.Namespace != dest {
		t.Errorf("predicted live state %q (%v), want mode v2 in %s", cm.PredictedLiveState, err, dest)
	}
	if !strings.Contains(cm.NormalizedLiveState, `"mode":"v1"`) {
		t.Errorf("normalized live state %q, want mode v1", cm.NormalizedLiveState)
	}
	if !cm.Modified || !strings.Contains(cm.Diff, "-  mode: v1") || !strings.Contains(cm.Diff, "+  mode: v2") {
		t.Errorf("modified %v, diff:\n%s", cm.Modified, cm.Diff)
	}

	app.Spec.Source.RepoURL = "file:///nonexistent/repo.git"
	if err := env.Client.Update(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	if status, body := a.call("GET", "/api/v1/applications/web/managed-resources", admin, nil); status != 500 ||
		!strings.Contains(body, "application web") || strings.Count(body, "application web") > 2 {
		t.Errorf("unreachable repository: %d %s, want 500 naming the app once (in error and message)", status, body)
	}
}
