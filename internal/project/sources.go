package project

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// scpURL is git's scp-like syntax, user@host:path, with no scheme.
var scpURL = regexp.MustCompile(`^[^/:]*@[^@]+$`)

// NormalizeRepoURL returns the form in which repository URLs and
// sourceRepos patterns are compared, as Argo CD's NormalizeGitURL: trimmed
// and lower-cased, one trailing "/" and then ".git" dropped, and an
// scp-like git@host:org/repo rewritten to git@host/org/repo, the form an
// ssh://git@host/org/repo URL takes too (the scheme is dropped). An
// https:// URL and an SSH one of the same repository stay different. Unlike
// Argo CD's, it does not re-encode the URL through net/url, so glob braces
// in patterns survive and a URL that net/url rejects still compares.
func NormalizeRepoURL(url string) string {
	s := strings.ToLower(strings.TrimSpace(url))
	if !strings.HasPrefix(s, "ssh://") && scpURL.MatchString(s) {
		s = strings.Replace(s, ":", "/", 1)
	}
	s = strings.TrimPrefix(s, "ssh://")
	s = strings.TrimSuffix(s, "/")
	return strings.TrimSuffix(s, ".git")
}

// CheckSource returns a *Violation of sourceRepos unless the project allows
// the repository: some allow pattern matches it and no "!" deny pattern
// does, wherever the deny stands in the list. Patterns are globs over the
// normalised URL (NormalizeRepoURL on both sides) in which "*" stays within
// one path segment, "**" spans any and a lone "*" allows every repository.
// A list of only deny patterns allows nothing, as Argo CD's documentation
// says (its code allows whatever the denies leave).
func CheckSource(p *v1alpha1.AppProject, repoURL string) error {
	return CheckSourceScoped(p, repoURL, nil)
}

// CheckSourceScoped is CheckSource for a project that also has repository
// Secrets scoped to it: projectRepos are their URLs, each allowed as if it
// were in sourceRepos (Argo CD adds them so); the deny patterns still win.
func CheckSourceScoped(p *v1alpha1.AppProject, repoURL string, projectRepos []string) error {
	src := NormalizeRepoURL(repoURL)
	subject := fmt.Sprintf("repository %q", repoURL)
	allowed := false
	for _, pattern := range p.Spec.SourceRepos {
		glob, deny := negated(strings.TrimSpace(pattern))
		hit := globHit(NormalizeRepoURL(glob), deny, src, '/')
		switch {
		case deny && hit:
			if why, broken := brokenDeny(NormalizeRepoURL(pattern), '/'); broken {
				return violation(p.Name, RuleSourceRepos, subject, why)
			}
			return violation(p.Name, RuleSourceRepos, subject, fmt.Sprintf("matches the deny pattern %q", pattern))
		case hit:
			allowed = true
		}
	}
	for _, u := range projectRepos {
		if NormalizeRepoURL(u) == src {
			allowed = true
		}
	}
	if !allowed {
		return violation(p.Name, RuleSourceRepos, subject, "matches none of the allowed patterns "+quoteList(allowPatterns(p.Spec.SourceRepos)))
	}
	return nil
}

// CheckRepositoryScope returns a *Violation unless a repository Secret
// scoped to repoProject (its "project" key; "" for a global one) may serve
// this project's applications: a global Secret serves every project, a
// scoped one only its own. Argo CD would pass over another project's Secret
// and try the repository without credentials; Tiphys refuses instead, so
// the application says why rather than failing to fetch. The caller looks
// for this project's Secret or a global one first, and calls this with the
// Secret it is about to use.
func CheckRepositoryScope(p *v1alpha1.AppProject, repoProject string) error {
	if repoProject == "" || repoProject == p.Name {
		return nil
	}
	return violation(p.Name, RuleRepositoryScope, fmt.Sprintf("repository Secret of project %q", repoProject),
		fmt.Sprintf("serves only applications of project %q", repoProject))
}

func allowPatterns(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if _, deny := negated(strings.TrimSpace(p)); !deny {
			out = append(out, p)
		}
	}
	return out
}

// quoteList renders patterns as ["a", "b"], or "[] (the list has no allow
// pattern)" when there are none.
func quoteList(patterns []string) string {
	if len(patterns) == 0 {
		return "[] (the list has no allow pattern)"
	}
	q := make([]string, len(patterns))
	for i, p := range patterns {
		q[i] = fmt.Sprintf("%q", p)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
