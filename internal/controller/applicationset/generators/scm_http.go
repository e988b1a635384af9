package generators

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// scmRequestTimeout bounds each request to an SCM API: a provider that
// hangs fails the generator instead of holding the reconcile.
var scmRequestTimeout = 30 * time.Second

const (
	// scmMaxBody caps a response body; a larger one is an error.
	scmMaxBody = 32 << 20
	// scmMaxPages caps pagination, against a server whose next page never ends.
	scmMaxPages = 1000
)

// ErrSCMRateLimited is the cause when an SCM API refuses a request because
// of its rate limit.
var ErrSCMRateLimited = errors.New("rate limited")

// ErrSCMNotFound is the cause when an SCM API answers 404.
var ErrSCMNotFound = errors.New("not found")

// SCMError is a failed request to an SCM provider's API. URL never holds a
// credential: tokens travel in headers only.
type SCMError struct {
	// Provider is the provider's name ("github", "gitlab", ...).
	Provider string
	// URL is the request's URL.
	URL string
	// StatusCode is the HTTP status (0 when there was no answer).
	StatusCode int
	// Err is the cause.
	Err error
}

// Error names the provider, the URL and the cause.
func (e *SCMError) Error() string {
	return fmt.Sprintf("%s API %s: %v", e.Provider, e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *SCMError) Unwrap() error { return e.Err }

// scmClient makes the requests of one provider.
type scmClient struct {
	provider string
	// base is the API root, ending with "/".
	base *url.URL
	http *http.Client
	// header is sent with every request (credentials included).
	header http.Header
	// secret is redacted from error messages.
	secret string
}

// scmHTTPClient is env's client, with TLS verification off when insecure.
func scmHTTPClient(env *Env, insecure bool) (*http.Client, error) {
	c := env.HTTP
	if c == nil {
		c = http.DefaultClient
	}
	if !insecure {
		return c, nil
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("insecure: the HTTP client's transport %T cannot skip TLS verification", rt)
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // the user asked for it with insecure: true
	out := *c
	out.Transport = tr
	return &out, nil
}

// newSCMClient returns a client of the API at base (a slash is added).
func newSCMClient(provider, base string, hc *http.Client) (*scmClient, error) {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("%s API URL %q: %w", provider, base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s API URL %q: not an http or https URL", provider, base)
	}
	return &scmClient{provider: provider, base: u, http: hc, header: http.Header{}}, nil
}

// url is the API URL of path (its segments already escaped) with query.
func (c *scmClient) url(path string, query url.Values) string {
	s := c.base.String() + strings.TrimPrefix(path, "/")
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s
}

// get GETs ref (absolute, from url or a next link) and decodes its JSON
// body into out. Every answer but a 2xx is an *SCMError.
func (c *scmClient) get(ctx context.Context, ref string, out any) (http.Header, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, c.fail(ref, 0, err)
	}
	// A credential goes only to the API it was configured for.
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, c.fail(ref, 0, fmt.Errorf("refusing to follow a link away from %s", c.base.Host))
	}
	ctx, cancel := context.WithTimeout(ctx, scmRequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, c.fail(ref, 0, err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer before the deadline: %w", context.DeadlineExceeded)
		}
		return nil, c.fail(ref, 0, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, scmMaxBody+1))
	if err != nil {
		return nil, c.fail(ref, resp.StatusCode, fmt.Errorf("read response: %w", err))
	}
	if len(body) > scmMaxBody {
		return nil, c.fail(ref, resp.StatusCode, fmt.Errorf("response larger than %d bytes", scmMaxBody))
	}
	if err := c.status(resp, body); err != nil {
		return nil, c.fail(ref, resp.StatusCode, err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, c.fail(ref, resp.StatusCode, fmt.Errorf("empty response: %w", io.EOF))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, c.fail(ref, resp.StatusCode, fmt.Errorf("response does not parse: %w", err))
	}
	return resp.Header, nil
}

// status is the cause of a non-2xx answer.
func (c *scmClient) status(resp *http.Response, body []byte) error {
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusNotFound:
		return ErrSCMNotFound
	case code == http.StatusTooManyRequests || code == http.StatusForbidden && scmRateLimited(resp.Header):
		return fmt.Errorf("%w (HTTP %d%s)", ErrSCMRateLimited, code, scmRateLimitReset(resp.Header))
	}
	return fmt.Errorf("HTTP %d: %s", code, c.snippet(body))
}

// scmRateLimited reports whether a 403 carries the providers' rate-limit
// headers: GitHub's X-RateLimit-Remaining: 0 or Retry-After (secondary
// limits), GitLab's RateLimit-Remaining: 0.
func scmRateLimited(h http.Header) bool {
	return h.Get("X-RateLimit-Remaining") == "0" || h.Get("RateLimit-Remaining") == "0" || h.Get("Retry-After") != ""
}

// scmRateLimitReset says when the limit resets, when the answer tells.
func scmRateLimitReset(h http.Header) string {
	if s := h.Get("Retry-After"); s != "" {
		return "; retry after " + s + "s"
	}
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if n, err := strconv.ParseInt(h.Get(k), 10, 64); err == nil && n > 0 {
			return "; resets at " + time.Unix(n, 0).UTC().Format(time.RFC3339)
		}
	}
	return ""
}

// snippet is the start of an error body on one line, without the secret.
func (c *scmClient) snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if c.secret != "" {
		s = strings.ReplaceAll(s, c.secret, "***")
	}
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	if s == "" {
		return "empty body"
	}
	return s
}

func (c *scmClient) fail(ref string, code int, err error) error {
	return &SCMError{Provider: c.provider, URL: ref, StatusCode: code, Err: err}
}

// scmPager returns the URL of the page after a response ("" when last).
type scmPager func(h http.Header, cur string) (string, error)

// scmLinkNext follows the Link header's rel="next" (GitHub, Gitea).
func scmLinkNext(h http.Header, _ string) (string, error) {
	for _, link := range h.Values("Link") {
		for _, part := range strings.Split(link, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if k == "rel" && strings.Trim(v, `"`) == "next" {
					return strings.Trim(strings.TrimSpace(target), "<>"), nil
				}
			}
		}
	}
	return "", nil
}

// scmNextPageHeader follows GitLab's X-Next-Page header.
func scmNextPageHeader(h http.Header, cur string) (string, error) {
	next := h.Get("X-Next-Page")
	if next == "" {
		return "", nil
	}
	u, err := url.Parse(cur)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("page", next)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// scmGetAll GETs every page from first on, as next finds them.
func scmGetAll[T any](ctx context.Context, c *scmClient, first string, next scmPager) ([]T, error) {
	var out []T
	ref := first
	for pages := 0; ref != ""; pages++ {
		if pages == scmMaxPages {
			return nil, c.fail(ref, 0, fmt.Errorf("more than %d pages", scmMaxPages))
		}
		var page []T
		h, err := c.get(ctx, ref, &page)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		nextRef, err := next(h, ref)
		if err != nil {
			return nil, c.fail(ref, 0, fmt.Errorf("next page: %w", err))
		}
		ref = nextRef
	}
	return out, nil
}

// scmPath escapes each segment of a path and joins them with "/".
func scmPath(segments ...string) string {
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return strings.Join(segments, "/")
}

// scmFilePath escapes a repository path, keeping its slashes.
func scmFilePath(p string) string {
	return scmPath(strings.Split(strings.Trim(p, "/"), "/")...)
}

// scmToken reads a token reference; no reference is no token (anonymous).
func scmToken(ctx context.Context, env *Env, ref *v1alpha1.SecretRef) (string, error) {
	if ref == nil {
		return "", nil
	}
	if env.Secret == nil {
		return "", fmt.Errorf("secret %q: %w", ref.SecretName, ErrNotConfigured)
	}
	v, err := env.Secret(ctx, ref.SecretName, ref.Key)
	if err != nil {
		return "", fmt.Errorf("secret %q key %q: %w", ref.SecretName, ref.Key, err)
	}
	return v, nil
}
