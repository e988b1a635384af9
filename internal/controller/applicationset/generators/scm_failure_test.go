package generators

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// scmAllGenerators are every supported provider of both generators,
// pointed at api with the test token.
func scmAllGenerators(api string) map[string]*v1alpha1.ApplicationSetGenerator {
	bearer := &v1alpha1.BearerTokenBitbucket{TokenRef: scmTestTokenRef}
	return map[string]*v1alpha1.ApplicationSetGenerator{
		"scm github":          {SCMProvider: &v1alpha1.SCMProviderGenerator{Github: &v1alpha1.SCMProviderGeneratorGithub{Organization: "acme", API: api, TokenRef: scmTestTokenRef}}},
		"scm gitlab":          {SCMProvider: &v1alpha1.SCMProviderGenerator{Gitlab: &v1alpha1.SCMProviderGeneratorGitlab{Group: "acme", API: api, TokenRef: scmTestTokenRef}}},
		"scm gitea":           {SCMProvider: &v1alpha1.SCMProviderGenerator{Gitea: &v1alpha1.SCMProviderGeneratorGitea{Owner: "acme", API: api, TokenRef: scmTestTokenRef}}},
		"scm bitbucketServer": {SCMProvider: &v1alpha1.SCMProviderGenerator{BitbucketServer: &v1alpha1.SCMProviderGeneratorBitbucketServer{Project: "ACME", API: api, BearerToken: bearer}}},
		"pr github":           {PullRequest: &v1alpha1.PullRequestGenerator{Github: &v1alpha1.PullRequestGeneratorGithub{Owner: "acme", Repo: "api", API: api, TokenRef: scmTestTokenRef}}},
		"pr gitlab":           {PullRequest: &v1alpha1.PullRequestGenerator{GitLab: &v1alpha1.PullRequestGeneratorGitLab{Project: "acme/api", API: api, TokenRef: scmTestTokenRef}}},
		"pr gitea":            {PullRequest: &v1alpha1.PullRequestGenerator{Gitea: &v1alpha1.PullRequestGeneratorGitea{Owner: "acme", Repo: "api", API: api, TokenRef: scmTestTokenRef}}},
		"pr bitbucketServer":  {PullRequest: &v1alpha1.PullRequestGenerator{BitbucketServer: &v1alpha1.PullRequestGeneratorBitbucketServer{Project: "ACME", Repo: "api", API: api, BearerToken: bearer}}},
	}
}

// TestSCMFailuresAreErrors: whatever goes wrong with the API, both
// generators of every provider fail with an *SCMError naming the provider
// and the URL, never an empty list, and never show the token.
func TestSCMFailuresAreErrors(t *testing.T) {
	failures := []struct {
		name        string
		handler     func(release <-chan struct{}) http.HandlerFunc
		rateLimited bool
		cause       string
	}{
		{name: "500", cause: "HTTP 500", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, `{"message":"internal error, token s3cret"}`, http.StatusInternalServerError)
			}
		}},
		{name: "429", rateLimited: true, cause: "retry after 60s", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "60")
				http.Error(w, `{"message":"slow down"}`, http.StatusTooManyRequests)
			}
		}},
		{name: "403 with rate-limit headers", rateLimited: true, cause: "resets at 2033-05-18T03:33:20Z", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", "2000000000")
				http.Error(w, `{"message":"API rate limit exceeded"}`, http.StatusForbidden)
			}
		}},
		{name: "403 forbidden", cause: "HTTP 403", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, `{"message":"Resource not accessible"}`, http.StatusForbidden)
			}
		}},
		{name: "404", cause: "not found", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			}
		}},
		{name: "invalid JSON", cause: "does not parse", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`[{"id": 1, "name": "api"`))
			}
		}},
		{name: "HTML instead of JSON", cause: "does not parse", handler: func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`<html><body>Sign in</body></html>`))
			}
		}},
		{name: "timeout", cause: "deadline", handler: func(release <-chan struct{}) http.HandlerFunc {
			return func(_ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}
		}},
	}
	saved := scmRequestTimeout
	scmRequestTimeout = 200 * time.Millisecond
	t.Cleanup(func() { scmRequestTimeout = saved })
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(f.handler(release))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) })
			for name, g := range scmAllGenerators(srv.URL) {
				t.Run(name, func(t *testing.T) {
					params, err := scmGenerate(t, g, false, scmTestEnv(srv))
					if err == nil {
						t.Fatalf("no error, params %v", params)
					}
					var se *SCMError
					if !errors.As(err, &se) {
						t.Fatalf("err %v is no *SCMError", err)
					}
					provider := strings.Fields(name)[1]
					msg := err.Error()
					if se.Provider != provider || !strings.Contains(msg, provider+" API "+srv.URL+"/") {
						t.Errorf("err %q does not name %s and the URL", msg, provider)
					}
					if !strings.Contains(msg, f.cause) {
						t.Errorf("err %q does not say %q", msg, f.cause)
					}
					if errors.Is(err, ErrSCMRateLimited) != f.rateLimited {
						t.Errorf("err %q: rate limited = %v, want %v", msg, !f.rateLimited, f.rateLimited)
					}
					if strings.Contains(msg, "s3cret") {
						t.Errorf("err %q shows the token", msg)
					}
				})
			}
		})
	}
}

func TestSCMMissingSecret(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	for _, ref := range []*v1alpha1.SecretRef{{SecretName: "nope", Key: "token"}, {SecretName: "scm", Key: "nokey"}} {
		for name, g := range scmAllGenerators(srv.URL) {
			g := g.DeepCopy()
			setSCMTokenRef(g, ref)
			_, err := scmGenerate(t, g, false, scmTestEnv(srv))
			if err == nil || !strings.Contains(err.Error(), `secret "`+ref.SecretName+`" key "`+ref.Key+`"`) {
				t.Errorf("%s with %s/%s: err = %v, want one naming the secret and key", name, ref.SecretName, ref.Key, err)
			}
		}
	}
}

// setSCMTokenRef points g's credentials at ref.
func setSCMTokenRef(g *v1alpha1.ApplicationSetGenerator, ref *v1alpha1.SecretRef) {
	if s := g.SCMProvider; s != nil {
		switch {
		case s.Github != nil:
			s.Github.TokenRef = ref
		case s.Gitlab != nil:
			s.Gitlab.TokenRef = ref
		case s.Gitea != nil:
			s.Gitea.TokenRef = ref
		case s.BitbucketServer != nil:
			s.BitbucketServer.BearerToken.TokenRef = ref
		}
	}
	if p := g.PullRequest; p != nil {
		switch {
		case p.Github != nil:
			p.Github.TokenRef = ref
		case p.GitLab != nil:
			p.GitLab.TokenRef = ref
		case p.Gitea != nil:
			p.Gitea.TokenRef = ref
		case p.BitbucketServer != nil:
			p.BitbucketServer.BearerToken.TokenRef = ref
		}
	}
}
