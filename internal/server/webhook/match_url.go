package webhook

import (
	"net/url"
	"strings"
)

// RepoKey is the identity of a repository URL for matching a push: host
// and path, lower-cased, without scheme, user, port, trailing slash or
// ".git", so that https://github.com/org/repo, git@github.com:org/repo.git
// and ssh://git@ssh.github.com:443/org/repo are one repository. It follows
// Argo CD's GetWebURLRegex (optional scheme and user, an ssh. or altssh.
// host prefix, any port, case-insensitive, optional .git).
func RepoKey(raw string) string {
	s := strings.TrimSpace(raw)
	var host, path string
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && (u.Host != "" || u.Scheme == "file") {
		host, path = u.Hostname(), u.Path
	} else if h, p, ok := scpLike(s); ok {
		host, path = h, p
	} else {
		return strings.ToLower(strings.TrimSuffix(strings.TrimRight(s, "/"), ".git"))
	}
	host = strings.ToLower(host)
	for _, prefix := range []string{"ssh.", "altssh."} {
		host = strings.TrimPrefix(host, prefix)
	}
	path = strings.Trim(path, "/")
	path = strings.TrimSuffix(path, ".git")
	return host + "/" + strings.ToLower(strings.Trim(path, "/"))
}

// scpLike splits git's scp-like syntax, [user@]host:path, with no scheme.
func scpLike(s string) (host, path string, ok bool) {
	if strings.Contains(s, "://") {
		return "", "", false
	}
	before, path, found := strings.Cut(s, ":")
	if !found || before == "" || strings.Contains(before, "/") {
		return "", "", false
	}
	if i := strings.LastIndex(before, "@"); i >= 0 {
		before = before[i+1:]
	}
	return before, path, before != ""
}

// repoKeys are the keys of a push's URLs.
func repoKeys(urls []string) map[string]bool {
	keys := map[string]bool{}
	for _, u := range urls {
		keys[RepoKey(u)] = true
	}
	return keys
}
