package generators

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// scmFakeRoute is a recorded answer: a file of testdata (or none) with a
// status (200 when 0) and headers, where {{server}} is the server's URL.
type scmFakeRoute struct {
	file   string
	status int
	header map[string]string
}

// scmFakeAPI serves recorded responses by request URI (path and query as the
// client sends them) and records the requests' headers.
type scmFakeAPI struct {
	t      *testing.T
	srv    *httptest.Server
	dir    string
	routes map[string]scmFakeRoute

	mu      sync.Mutex
	headers []http.Header
}

func newSCMFakeAPI(t *testing.T, dir string, routes map[string]scmFakeRoute) *scmFakeAPI {
	t.Helper()
	f := &scmFakeAPI{t: t, dir: dir, routes: routes}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *scmFakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()
	route, ok := f.routes[r.RequestURI]
	if !ok {
		f.t.Errorf("unexpected request %s", r.RequestURI)
		http.Error(w, `{"message":"no such route in the test"}`, http.StatusTeapot)
		return
	}
	for k, v := range route.header {
		w.Header().Set(k, strings.ReplaceAll(v, "{{server}}", f.srv.URL))
	}
	w.Header().Set("Content-Type", "application/json")
	if route.status != 0 {
		w.WriteHeader(route.status)
	}
	if route.file != "" {
		body, err := os.ReadFile(filepath.Join("testdata", f.dir, route.file))
		if err != nil {
			f.t.Errorf("route %s: %v", r.RequestURI, err)
			return
		}
		_, _ = w.Write(body)
	}
}

// sawHeader reports whether every request carried header k with value v.
func (f *scmFakeAPI) sawHeader(k, v string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.headers) == 0 {
		return fmt.Errorf("no request")
	}
	for i, h := range f.headers {
		if got := h.Get(k); got != v {
			return fmt.Errorf("request %d: %s = %q, want %q", i, k, got, v)
		}
	}
	return nil
}

// scmTestSecrets is an Env.Secret over name -> key -> value.
func scmTestSecrets(m map[string]map[string]string) func(ctx context.Context, name, key string) (string, error) {
	return func(_ context.Context, name, key string) (string, error) {
		s, ok := m[name]
		if !ok {
			return "", fmt.Errorf("secret %q not found", name)
		}
		v, ok := s[key]
		if !ok {
			return "", fmt.Errorf("secret %q has no key %q", name, key)
		}
		return v, nil
	}
}

// scmTestEnv reaches srv with the token "s3cret" in Secret scm/token.
func scmTestEnv(srv *httptest.Server) *Env {
	return &Env{
		HTTP:   srv.Client(),
		Secret: scmTestSecrets(map[string]map[string]string{"scm": {"token": "s3cret"}}),
	}
}

var scmTestTokenRef = &v1alpha1.SecretRef{SecretName: "scm", Key: "token"}

// generate runs g through the package's Generate, as the controller does.
func scmGenerate(t *testing.T, g *v1alpha1.ApplicationSetGenerator, goTemplate bool, env *Env) ([]Params, error) {
	t.Helper()
	set := &v1alpha1.ApplicationSet{}
	set.Name, set.Namespace = "apps", "team"
	set.Spec.GoTemplate = goTemplate
	res, err := Generate(t.Context(), 0, g, set, env)
	if err != nil {
		return nil, err
	}
	return res.Params, nil
}

func scmWantParams(t *testing.T, got, want []Params) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
}

// scmRepoParams are the parameters of one repository's branch.
func scmRepoParams(org, repo string, id int64, url, branch, normalized, sha, labels string) Params {
	return Params{
		"organization": org, "repository": repo, "repository_id": id, "url": url,
		"branch": branch, "branchNormalized": normalized, "sha": sha,
		"short_sha": sha[:min(8, len(sha))], "short_sha_7": sha[:min(7, len(sha))], "labels": labels,
	}
}

func scmPtr[T any](v T) *T { return &v }
