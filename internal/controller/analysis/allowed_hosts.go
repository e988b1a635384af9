package analysis

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// AllowedHosts limits the hosts that metric providers may call: the
// operator's --analysis-allowed-hosts. Empty allows any host (Argo's
// behaviour, which has no such limit). An entry is
//
//   - a host name or IP ("prometheus.monitoring"): that host on any port;
//   - a host and port ("prometheus.monitoring:9090"): only that port; a
//     URL without a port uses its scheme's (80 for http, 443 for https);
//   - a wildcard ("*.example.com"): any subdomain, not example.com itself.
//
// Names compare without regard to case.
type AllowedHosts []string

// HostNotAllowedError is a request to a host outside [AllowedHosts].
type HostNotAllowedError struct {
	// Host is the host (and port, when the URL has one) that was refused.
	Host string
}

// Error names the host.
func (e *HostNotAllowedError) Error() string {
	return fmt.Sprintf("host %q is not in the analysis allowed hosts", e.Host)
}

// CheckURL returns a *HostNotAllowedError when the URL's host is not
// allowed, or an error when the URL has no host.
func (a AllowedHosts) CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("parse url: %w", err)
	}
	if u.Host == "" {
		return fmt.Errorf("url %q: %w", rawURL, errNoHost)
	}
	return a.check(u)
}

var errNoHost = errors.New("no host")

// CheckRedirect is an http.Client CheckRedirect that keeps redirects
// inside the allowed hosts, and stops after 10 as Go's default does.
func (a AllowedHosts) CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return a.check(req.URL)
}

func (a AllowedHosts) check(u *url.URL) error {
	if len(a) == 0 {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	for _, entry := range a {
		if entryMatches(strings.ToLower(strings.TrimSpace(entry)), host, port) {
			return nil
		}
	}
	return &HostNotAllowedError{Host: u.Host}
}

// entryMatches compares one allow-list entry with a host and port.
func entryMatches(entry, host, port string) bool {
	entryHost, entryPort := entry, ""
	if h, p, err := net.SplitHostPort(entry); err == nil {
		entryHost, entryPort = h, p
	}
	entryHost = strings.Trim(entryHost, "[]")
	if entryPort != "" && entryPort != port {
		return false
	}
	if suffix, ok := strings.CutPrefix(entryHost, "*."); ok {
		return strings.HasSuffix(host, "."+suffix)
	}
	return entryHost == host
}
