package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/server"
)

// Given an API server over a namespace with an ApplicationSet owning two
// Applications, an AppProject and a paused canary Rollout, when the read
// verbs of appset, proj and rollout run with --server, then they print
// what they print against Kubernetes; the rollout actions change the
// Rollout in the cluster; and the verbs the server does not serve fail at
// once, naming themselves.
func TestAppsetProjRolloutVerbsThroughServer(t *testing.T) {
	ns, flags := testNamespace(t)
	t.Setenv("TIPHYS_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("TIPHYS_SERVER", "")
	ctx := context.Background()
	web := createSet(t, ns, webSet, nil)
	createOwnedApp(t, ns, web, "web-a", "a", nil, appStatus(v1alpha1.SyncStatusCodeSynced, v1alpha1.HealthStatusHealthy))
	createOwnedApp(t, ns, web, "web-b", "b", nil, appStatus(v1alpha1.SyncStatusCodeOutOfSync, v1alpha1.HealthStatusMissing))
	p := &v1alpha1.AppProject{}
	if err := yaml.UnmarshalStrict([]byte(teamProject), p); err != nil {
		t.Fatal(err)
	}
	p.Namespace = ns
	if err := env.Client.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	testRollout(t, ns, pausedAtStep())

	url, _ := serveAPI(t, ns, server.Options{})
	api := []string{"--server", url, "-N", ns}

	for _, verb := range [][]string{
		{"appset", "list"}, {"appset", "list", "-o", "json"}, {"appset", "get", "web"}, {"appset", "get", "web", "-o", "yaml"},
		{"proj", "list"}, {"proj", "get", "team-a"}, {"proj", "get", "team-a", "-o", "json"}, {"proj", "windows", "list", "team-a"},
		{"rollout", "list"}, {"rollout", "list", "-o", "yaml"}, {"rollout", "get", "guestbook"}, {"rollout", "get", "guestbook", "-o", "json"},
	} {
		direct, through := mustRun(t, "", append(verb, flags...)...), mustRun(t, "", append(verb, api...)...)
		if direct != through || strings.Count(through, "\n") < 2 {
			t.Errorf("%v: through the server\n%s\nwant as against Kubernetes\n%s", verb, through, direct)
		}
	}

	if out := mustRun(t, "", append([]string{"rollout", "promote", "guestbook", "--full"}, api...)...); out != "rollout 'guestbook' promoted\n" {
		t.Errorf("promote --full printed %q", out)
	}
	if ro := getRollout(t, ns); !ro.Status.PromoteFull {
		t.Errorf("after promote --full through the server: status.promoteFull is false")
	}
	mustRun(t, "", append([]string{"rollout", "pause", "guestbook"}, api...)...)
	if ro := getRollout(t, ns); !ro.Spec.Paused {
		t.Errorf("after pause through the server: spec.paused is false")
	}
	mustRun(t, "", append([]string{"rollout", "abort", "guestbook"}, api...)...)
	if ro := getRollout(t, ns); !ro.Status.Abort {
		t.Errorf("after abort through the server: status.abort is false")
	}
	mustRun(t, "", append([]string{"rollout", "restart", "guestbook"}, api...)...)
	if ro := getRollout(t, ns); ro.Spec.RestartAt == nil {
		t.Errorf("after restart through the server: spec.restartAt is unset")
	}

	for _, verb := range [][]string{
		{"appset", "diff", "web"},
		{"rollout", "restart", "guestbook", "--in", "5m"},
	} {
		mustFail(t, "needs the Kubernetes API", append(verb, api...)...)
		mustFail(t, "tiphys "+strings.Join(verb[:2], " "), append(verb, api...)...)
	}
	// --watch through the server reads again every 2 s: a paused Rollout is
	// not done within 3 s.
	mustFail(t, "not Healthy or Degraded after 3s", append([]string{"rollout", "get", "guestbook", "--until-done", "--timeout", "3s"}, api...)...)

	mustRun(t, "", append([]string{"rollout", "set", "image", "guestbook", "*=nginx:1.27"}, api...)...)
	if ro := getRollout(t, ns); ro.Spec.Template.Spec.Containers[0].Image != "nginx:1.27" {
		t.Errorf("after set image through the server: image %s", ro.Spec.Template.Spec.Containers[0].Image)
	}
	mustFail(t, "no earlier revision", append([]string{"rollout", "undo", "guestbook"}, api...)...)

	// The verbs that write through the server: proj create and appset delete.
	file := writeFile(t, t.TempDir(), "team-b.yaml", strings.Replace(teamProject, "name: team-a", "name: team-b", 1))
	mustRun(t, "", append([]string{"proj", "create", "-f", file}, api...)...)
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "team-b"}, &v1alpha1.AppProject{}); err != nil {
		t.Errorf("team-b after proj create through the server: %v", err)
	}
	mustFail(t, "exists", append([]string{"proj", "create", "-f", file}, api...)...)
	mustRun(t, "", append([]string{"proj", "create", "-f", file, "--upsert"}, api...)...)
	mustFail(t, "--yes", append([]string{"appset", "delete", "web"}, api...)...)
	out := mustRun(t, "", append([]string{"appset", "delete", "web", "--yes"}, api...)...)
	if !strings.Contains(out, "web-a, web-b") {
		t.Errorf("appset delete through the server printed %q, want the apps it deletes", out)
	}
	set := &v1alpha1.ApplicationSet{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web"}, set); client.IgnoreNotFound(err) != nil || err == nil && set.DeletionTimestamp == nil {
		t.Errorf("the set after appset delete through the server: %v, deleting %v", err, set.DeletionTimestamp)
	}
	mustFail(t, "invalid session", append([]string{"rollout", "list", "--auth-token", "garbage"}, api...)...)
}
