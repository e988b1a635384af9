package analysis

import (
	"crypto/tls"
	"net/http"
)

// Two shared transports, so that measurements reuse connections; TLS
// verification is a property of the transport.
var (
	verifyingTransport = newTransport(false)
	insecureTransport  = newTransport(true)
)

func newTransport(insecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure} //nolint:gosec // the metric's insecure field asks for it, as in Argo
	return t
}

// NewHTTPClient is the client a provider measures with: redirects stay
// inside hosts, and insecure (a metric's insecure field) skips TLS
// certificate verification. Timeouts come from the request's context.
func NewHTTPClient(hosts AllowedHosts, insecure bool) *http.Client {
	transport := verifyingTransport
	if insecure {
		transport = insecureTransport
	}
	return &http.Client{Transport: transport, CheckRedirect: hosts.CheckRedirect}
}
