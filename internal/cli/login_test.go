package cli

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/server"
)

// Given an API server over a namespace with one Application, when a user
// logs in with the initial admin password and runs app list, get and sync
// with --server, then the output is what the same verbs print against
// Kubernetes, and the sync sets the app's operation in the cluster.
func TestAppVerbsThroughServer(t *testing.T) {
	ns, flags := testNamespace(t)
	t.Setenv("TIPHYS_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	ctx := context.Background()
	app := &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: "guestbook", Namespace: ns},
		Spec: v1alpha1.ApplicationSpec{Project: "default",
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: "guestbook"},
			Source:      &v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/x.git", Path: "guestbook"}}}
	if err := env.Client.Create(ctx, app); err != nil {
		t.Fatal(err)
	}
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

	if out := mustRun(t, string(sec.Data["password"])+"\n", "login", srv.URL, "--password-stdin"); !strings.Contains(out, "'admin' logged in successfully") {
		t.Errorf("login printed %q", out)
	}
	api := []string{"--server", srv.URL, "-N", ns}
	for _, verb := range [][]string{{"app", "list"}, {"app", "get", "guestbook"}, {"app", "history", "guestbook"}} {
		direct, through := mustRun(t, "", append(verb, flags...)...), mustRun(t, "", append(verb, api...)...)
		if direct != through || verb[1] != "history" && !strings.Contains(through, "guestbook") {
			t.Errorf("%v: through the server\n%s\nwant as against Kubernetes\n%s", verb, through, direct)
		}
	}
	mustRun(t, "", append([]string{"app", "sync", "guestbook", "--async", "--prune"}, api...)...)
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(app), app); err != nil {
		t.Fatal(err)
	}
	if app.Operation == nil || app.Operation.Sync == nil || !app.Operation.Sync.Prune || app.Operation.InitiatedBy.Username != "admin" {
		t.Errorf("operation after the sync through the server: %+v", app.Operation)
	}
	mustFail(t, "invalid session", append([]string{"app", "list", "--auth-token", "garbage"}, api...)...)
	mustRun(t, "", "logout", srv.URL)
	mustFail(t, "no session information", append([]string{"app", "list"}, api...)...)
}
