package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/oidctest"
	"github.com/tiphys/tiphys/internal/server"
)

// browserOut is standard output that "opens" the login URL the command
// prints, as a user's browser would: it follows it to the provider and
// back to the command's local callback.
type browserOut struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	prefix string
	opened chan error
}

func (b *browserOut) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range strings.Fields(string(p)) {
		if strings.HasPrefix(f, b.prefix) {
			go func(u string) {
				resp, err := http.Get(u)
				if err == nil {
					resp.Body.Close()
				}
				b.opened <- err
			}(f)
		}
	}
	return b.buf.Write(p)
}

func (b *browserOut) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Given a server whose oidc.config names a provider with a public CLI
// client, and a policy that makes the provider's team-a group readonly,
// when `tiphys login --sso` runs and the browser logs in, then the ID
// token is kept for the server and the verbs go through the server as
// the user, by its group.
func TestLoginSSO(t *testing.T) {
	ns, flags := testNamespace(t)
	t.Setenv("TIPHYS_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("TIPHYS_SERVER", "")
	ctx := context.Background()
	p := oidctest.New(t)
	p.Login(map[string]any{"sub": "u-1001", "email": "alice@example.com", "groups": []string{"team-a"}})
	proj := &v1alpha1.AppProject{}
	if err := yaml.UnmarshalStrict([]byte(teamProject), proj); err != nil {
		t.Fatal(err)
	}
	proj.Namespace = ns
	s := server.New(server.Options{Client: env.Client, Namespace: ns, Log: logr.Discard()})
	if _, err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	for _, o := range []client.Object{proj,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "argocd-cm"}, Data: map[string]string{"url": srv.URL,
			"oidc.config": "name: Test IdP\nissuer: " + p.Issuer() + "\nclientID: " + p.ClientID + "\nclientSecret: " + p.ClientSecret +
				"\ncliClientID: " + p.CLIClientID + "\n"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "argocd-rbac-cm"}, Data: map[string]string{
			"policy.csv": "g, team-a, role:readonly\n"}},
	} {
		if err := env.Client.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	api := []string{"--server", srv.URL, "-N", ns}
	mustFail(t, "no session information", append([]string{"proj", "list"}, api...)...)

	out := &browserOut{prefix: p.Issuer() + "/authorize?", opened: make(chan error, 1)}
	var errb bytes.Buffer
	code := Main([]string{"login", srv.URL, "--sso", "--sso-port", "0", "--sso-launch-browser=false", "--sso-timeout", "30s"}, out, &errb)
	if code != 0 || !strings.Contains(out.String(), "Log in via Test IdP at:") || !strings.Contains(out.String(), "'alice@example.com' logged in successfully") {
		t.Fatalf("login --sso: exit %d\n%s\n%s", code, out, errb.String())
	}
	if err := <-out.opened; err != nil {
		t.Errorf("the browser: %v", err)
	}
	direct, through := mustRun(t, "", append([]string{"proj", "list"}, flags...)...), mustRun(t, "", append([]string{"proj", "list"}, api...)...)
	if direct != through || !strings.Contains(through, "team-a") {
		t.Errorf("proj list as alice through the server:\n%s\nwant\n%s", through, direct)
	}
	mustFail(t, "permission denied", append([]string{"rollout", "pause", "guestbook"}, api...)...)
}
