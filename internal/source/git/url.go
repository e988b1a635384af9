package git

import (
	"net/url"
	"strings"
)

// NormalizeURL returns the identity of a repository URL: scheme and host in
// lower case, no trailing slash, no ".git" suffix, no credentials. Two URLs
// with the same identity share one clone.
func NormalizeURL(raw string) string {
	s := strings.TrimSpace(raw)
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		u.Scheme = strings.ToLower(u.Scheme)
		u.Host = strings.ToLower(u.Host)
		if u.Scheme == "http" || u.Scheme == "https" || u.User == nil {
			u.User = nil
		} else {
			u.User = url.User(u.User.Username())
		}
		s = u.String()
	} else if i := strings.Index(s, "@"); i >= 0 && !strings.Contains(s[:i], "/") {
		// scp-like SSH: user@host:path
		if j := strings.Index(s[i:], ":"); j > 0 {
			s = s[:i+1] + strings.ToLower(s[i+1:i+j]) + s[i+j:]
		}
	}
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, ".git")
	return s
}

// RedactURL removes a password or token from a URL, for messages.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	return u.String()
}
