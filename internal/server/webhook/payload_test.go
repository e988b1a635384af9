package webhook

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// Given a provider's payload and headers, the provider, the event's kind
// and the push read from it are the ones the payload says.
func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		headers  http.Header
		provider Provider
		kind     eventKind
		want     *Push
	}{
		{"github push", "github-push.json", headers("X-GitHub-Event", "push"), GitHub, eventPush, &Push{
			Provider: GitHub,
			URLs: []string{"https://github.com/acme/platform", "https://github.com/acme/platform.git",
				"git@github.com:acme/platform.git", "git://github.com/acme/platform.git"},
			Refs: []Ref{{Name: "main"}}, Commit: "2222222222222222222222222222222222222222", DefaultBranch: "main",
			Files: []string{"apps/a/x.yaml", "README.md", "old/y.yaml"},
		}},
		{"github ping", "github-ping.json", headers("X-GitHub-Event", "ping"), GitHub, eventPing, nil},
		{"github other event", "github-ping.json", headers("X-GitHub-Event", "issues"), GitHub, eventOther, nil},
		{"github forced push: all files", "github-forced.json", headers("X-GitHub-Event", "push"), GitHub, eventPush, &Push{
			Provider: GitHub, URLs: []string{"https://github.com/acme/platform"}, Refs: []Ref{{Name: "release/1.x"}},
			Commit: "3333333333333333333333333333333333333333", DefaultBranch: "main", Files: []string{"docs/a.md"}, AllFiles: true,
		}},
		{"gitlab push", "gitlab-push.json", headers("X-Gitlab-Event", "Push Hook"), GitLab, eventPush, &Push{
			Provider: GitLab,
			URLs: []string{"https://gitlab.example.com/acme/platform", "https://gitlab.example.com/acme/platform.git",
				"git@gitlab.example.com:acme/platform.git"},
			Refs: []Ref{{Name: "develop"}}, Commit: "4444444444444444444444444444444444444444", DefaultBranch: "develop",
			Files: []string{"apps/b/new.yaml", "apps/b/old.yaml"},
		}},
		{"gitlab system hook push", "gitlab-push.json", headers("X-Gitlab-Event", "System Hook"), GitLab, eventPush, nil},
		{"gitlab truncated commits: all files", "gitlab-truncated.json", headers("X-Gitlab-Event", "Push Hook"), GitLab, eventPush, &Push{
			Provider: GitLab, URLs: []string{"https://gitlab.example.com/acme/platform"}, Refs: []Ref{{Name: "main"}},
			Commit: "5555555555555555555555555555555555555555", DefaultBranch: "main", Files: []string{"README.md"}, AllFiles: true,
		}},
		{"gitlab tag push", "gitlab-tag-push.json", headers("X-Gitlab-Event", "Tag Push Hook"), GitLab, eventPush, &Push{
			Provider: GitLab, URLs: []string{"https://gitlab.example.com/acme/platform"}, Refs: []Ref{{Name: "v1.4.0", Tag: true}},
			Commit: "6666666666666666666666666666666666666666", DefaultBranch: "main",
		}},
		{"gitlab merge request", "gitlab-push.json", headers("X-Gitlab-Event", "Merge Request Hook"), GitLab, eventOther, nil},
		{"gitea push (with github headers too)", "gitea-push.json", headers("X-Gitea-Event", "push", "X-GitHub-Event", "push", "X-Gogs-Event", "push"), Gitea, eventPush, &Push{
			Provider: Gitea,
			URLs: []string{"https://gitea.example.com/acme/platform", "https://gitea.example.com/acme/platform.git",
				"ssh://git@gitea.example.com:2222/acme/platform.git"},
			Refs: []Ref{{Name: "main"}}, Commit: "7777777777777777777777777777777777777777", DefaultBranch: "trunk",
			Files: []string{"envs/prod/values.yaml"},
		}},
		{"gogs push", "gitea-push.json", headers("X-Gogs-Event", "push"), Gitea, eventPush, nil},
		{"bitbucket cloud push: every ref, all files", "bitbucket-cloud-push.json", headers("X-Hook-UUID", "u", "X-Event-Key", "repo:push"), BitbucketCloud, eventPush, &Push{
			Provider: BitbucketCloud, URLs: []string{"https://bitbucket.org/acme/platform"},
			Refs: []Ref{{Name: "main"}, {Name: "v2.0.0", Tag: true}}, Commit: "8888888888888888888888888888888888888888", AllFiles: true,
		}},
		{"bitbucket server push", "bitbucket-server-push.json", headers("X-Event-Key", "repo:refs_changed"), BitbucketServer, eventPush, &Push{
			Provider: BitbucketServer,
			URLs:     []string{"ssh://git@bitbucket.example.com:7999/acme/platform.git", "https://bitbucket.example.com/scm/acme/platform.git"},
			Refs:     []Ref{{Name: "master"}}, Commit: "9999999999999999999999999999999999999999", AllFiles: true,
		}},
		{"bitbucket server ping", "bitbucket-server-ping.json", headers("X-Event-Key", "diagnostics:ping"), BitbucketServer, eventPing, nil},
		{"generic push", "generic-push.json", headers("Content-Type", "application/json"), Generic, eventPush, &Push{
			Provider: Generic, URLs: []string{"https://git.internal.example/acme/platform.git"}, Refs: []Ref{{Name: "main"}},
			Commit: "abcdef0123456789", Files: []string{"apps/a/x.yaml"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fixture(t, tt.fixture)
			p := detect(tt.headers)
			if p.name != tt.provider {
				t.Fatalf("provider %s, want %s", p.name, tt.provider)
			}
			if got := p.kind(p.event(tt.headers), body); got != tt.kind {
				t.Fatalf("event kind %d, want %d", got, tt.kind)
			}
			if tt.want == nil {
				return
			}
			got, err := p.parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("push (-want +got):\n%s", d)
			}
		})
	}
}

// A generic push without repository or revision, or that is not JSON,
// is refused.
func TestParseGenericInvalid(t *testing.T) {
	for _, body := range []string{`{"revision":"main"}`, `{"repository":"https://x/y"}`, `not json`} {
		if _, err := parseGeneric([]byte(body)); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want Ref
	}{
		{"refs/heads/main", Ref{Name: "main"}},
		{"refs/heads/feature/x", Ref{Name: "feature/x"}},
		{"refs/tags/v1.2.0", Ref{Name: "v1.2.0", Tag: true}},
		{"main", Ref{Name: "main"}},
	}
	for _, tt := range tests {
		if got := ParseRef(tt.in); got != tt.want {
			t.Errorf("ParseRef(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// A form-encoded payload (GitHub's and Gitea's other content type) is
// read from its payload field; a JSON one is read as it is.
func TestJSONBody(t *testing.T) {
	js := fixture(t, "github-push.json")
	form := []byte("payload=" + url.QueryEscape(string(js)))
	for _, tt := range []struct {
		contentType string
		body        []byte
	}{
		{"application/json", js},
		{"", js},
		{"application/x-www-form-urlencoded", form},
		{"application/x-www-form-urlencoded; charset=utf-8", form},
		{"application/x-www-form-urlencoded", js}, // curl -d with a JSON body
	} {
		got, err := jsonBody(tt.contentType, tt.body)
		if err != nil || !bytes.Equal(got, js) {
			t.Errorf("%q: got %.40q, %v; want the JSON", tt.contentType, got, err)
		}
	}
	if _, err := jsonBody("application/x-www-form-urlencoded", []byte("ref=main")); err == nil || !strings.Contains(err.Error(), "without a payload field") {
		t.Errorf("a form without payload: %v, want an error saying so", err)
	}
}
