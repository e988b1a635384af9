package webhook

import (
	"encoding/json"
	"net/http"
)

// Provider names a sender of webhooks.
type Provider string

// The providers, named as in Argo CD's argocd-secret keys
// (webhook.<provider>.secret); Gitea shares Gogs' key.
const (
	GitHub          Provider = "github"
	GitLab          Provider = "gitlab"
	Gitea           Provider = "gogs"
	BitbucketCloud  Provider = "bitbucket"
	BitbucketServer Provider = "bitbucketserver"
	Generic         Provider = "generic"
)

// eventKind is what the handler does with an event.
type eventKind int

const (
	eventOther eventKind = iota // answered 200, nothing done
	eventPing                   // answered 200, nothing done
	eventPush                   // parsed and matched
)

// provider is how one provider signs, names its events and writes its
// push payload.
type provider struct {
	name Provider
	// secretKey is the argocd-secret key of its secret or UUID.
	secretKey string
	// verify checks the request against a configured secret.
	verify func(h http.Header, body []byte, secret []byte) error
	// event is the event's name, from the headers.
	event func(h http.Header) string
	// kind classifies an event; body lets GitLab's system hooks say.
	kind func(event string, body []byte) eventKind
	// parse reads a push payload.
	parse func(body []byte) (*Push, error)
}

var providers = map[Provider]*provider{
	GitHub: {name: GitHub, secretKey: "webhook.github.secret",
		verify: hmacSHA256("X-Hub-Signature-256", "sha256="),
		event:  header("X-GitHub-Event"),
		kind:   events(map[string]eventKind{"push": eventPush, "ping": eventPing}),
		parse:  parseGitHub},
	GitLab: {name: GitLab, secretKey: "webhook.gitlab.secret",
		verify: token("X-Gitlab-Token"),
		event:  header("X-Gitlab-Event"),
		kind:   gitlabKind,
		parse:  parseGitLab},
	Gitea: {name: Gitea, secretKey: "webhook.gogs.secret",
		verify: hmacSHA256("X-Gitea-Signature", "", "X-Gogs-Signature"),
		event:  header("X-Gitea-Event", "X-Gogs-Event"),
		kind:   events(map[string]eventKind{"push": eventPush}),
		parse:  parseGitea},
	BitbucketCloud: {name: BitbucketCloud, secretKey: "webhook.bitbucket.uuid",
		verify: token("X-Hook-UUID"),
		event:  header("X-Event-Key"),
		kind:   events(map[string]eventKind{"repo:push": eventPush}),
		parse:  parseBitbucketCloud},
	BitbucketServer: {name: BitbucketServer, secretKey: "webhook.bitbucketserver.secret",
		verify: hmacSHA256("X-Hub-Signature", "sha256="),
		event:  header("X-Event-Key"),
		kind:   events(map[string]eventKind{"repo:refs_changed": eventPush, "diagnostics:ping": eventPing}),
		parse:  parseBitbucketServer},
	Generic: {name: Generic, secretKey: "webhook.generic.secret",
		verify: hmacSHA256("X-Tiphys-Signature", "sha256="),
		event:  func(http.Header) string { return "push" },
		kind:   events(map[string]eventKind{"push": eventPush}),
		parse:  parseGeneric},
}

// detect tells the provider from the headers, in Argo CD's order: Gitea
// and Gogs first (they also send GitHub's headers), Bitbucket Cloud (the
// only one with X-Hook-UUID) before Bitbucket Server (which shares
// X-Event-Key). A request with none of them is a generic webhook.
func detect(h http.Header) *provider {
	switch {
	case h.Get("X-Gitea-Event") != "" || h.Get("X-Gogs-Event") != "":
		return providers[Gitea]
	case h.Get("X-GitHub-Event") != "":
		return providers[GitHub]
	case h.Get("X-Gitlab-Event") != "":
		return providers[GitLab]
	case h.Get("X-Hook-UUID") != "":
		return providers[BitbucketCloud]
	case h.Get("X-Event-Key") != "":
		return providers[BitbucketServer]
	}
	return providers[Generic]
}

// header reads the first of names that is set.
func header(names ...string) func(http.Header) string {
	return func(h http.Header) string {
		for _, n := range names {
			if v := h.Get(n); v != "" {
				return v
			}
		}
		return ""
	}
}

func events(kinds map[string]eventKind) func(string, []byte) eventKind {
	return func(event string, _ []byte) eventKind { return kinds[event] }
}

// gitlabKind reads GitLab's push and tag push hooks, and system hooks
// that carry a push (as Argo CD, which accepts SystemHookEvents).
func gitlabKind(event string, body []byte) eventKind {
	switch event {
	case "Push Hook", "Tag Push Hook":
		return eventPush
	case "System Hook":
		var p struct {
			ObjectKind string `json:"object_kind"`
		}
		if json.Unmarshal(body, &p) == nil && (p.ObjectKind == "push" || p.ObjectKind == "tag_push") {
			return eventPush
		}
	}
	return eventOther
}

// check verifies a request when the provider's secret is configured; an
// unconfigured provider's requests pass unchecked, as in Argo CD.
func (p *provider) check(h http.Header, body []byte, s *settings) error {
	secret := s.secret(p.secretKey)
	if secret == nil {
		return nil
	}
	return p.verify(h, body, secret)
}
