package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

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
	url, out := serveAPI(t, ns, server.Options{})
	if !strings.Contains(out, "'admin' logged in successfully") {
		t.Errorf("login printed %q", out)
	}
	api := []string{"--server", url, "-N", ns}
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
	mustRun(t, "", "logout", url)
	mustFail(t, "no session information", append([]string{"app", "list"}, api...)...)
}
