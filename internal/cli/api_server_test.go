package cli

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/server"
)

// serveAPI starts an API server over namespace ns with opts (its client,
// namespace and log filled in), logs the CLI in as admin with the initial
// password (the token kept in $TIPHYS_CONFIG, which the caller points at a
// temporary file), and returns the server's URL and the login's output.
func serveAPI(t *testing.T, ns string, opts server.Options) (url, login string) {
	t.Helper()
	ctx := context.Background()
	opts.Client, opts.Namespace, opts.Log = env.Client, ns, logr.Discard()
	s := server.New(opts)
	if _, err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	sec := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "argocd-initial-admin-secret"}, sec); err != nil {
		t.Fatal(err)
	}
	return srv.URL, mustRun(t, string(sec.Data["password"])+"\n", "login", srv.URL, "--password-stdin")
}
