package cli

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
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

	s := server.New(server.Options{Client: env.Client, Namespace: ns, Log: logr.Discard()})
	if _, err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	sec := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "argocd-initial-admin-secret"}, sec); err != nil {
		t.Fatal(err)
	}
	mustRun(t, string(sec.Data["password"])+"\n", "login", srv.URL, "--password-stdin")
	api := []string{"--server", srv.URL, "-N", ns}

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

	file := writeFile(t, t.TempDir(), "team-b.yaml", strings.Replace(teamProject, "name: team-a", "name: team-b", 1))
	for _, verb := range [][]string{
		{"proj", "create", "-f", file}, {"appset", "delete", "web", "--yes"}, {"appset", "diff", "web"},
		{"rollout", "undo", "guestbook"}, {"rollout", "set", "image", "guestbook", "guestbook=nginx"},
		{"rollout", "get", "guestbook", "--watch"}, {"rollout", "restart", "guestbook", "--in", "5m"},
	} {
		mustFail(t, "needs the Kubernetes API", append(verb, api...)...)
		mustFail(t, "tiphys "+strings.Join(verb[:2], " "), append(verb, api...)...)
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web"}, &v1alpha1.ApplicationSet{}); err != nil {
		t.Errorf("the set after a refused delete: %v", err)
	}
	mustFail(t, "invalid session", append([]string{"rollout", "list", "--auth-token", "garbage"}, api...)...)
}
