package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrSignatureMissing is returned for a request without the signature a
// configured secret asks for.
var ErrSignatureMissing = errors.New("signature missing")

// ErrSignatureMismatch is returned for a request whose signature, token or
// UUID is not the configured one.
var ErrSignatureMismatch = errors.New("signature does not match the configured secret")

// hmacSHA256 checks a hex HMAC-SHA256 of the body in the first of headers
// that is set, after prefix: GitHub's X-Hub-Signature-256 and Bitbucket
// Server's X-Hub-Signature ("sha256=<hex>"), Gitea's and Gogs' X-Gitea- and
// X-Gogs-Signature (bare hex), and Tiphys' X-Tiphys-Signature.
func hmacSHA256(name, prefix string, more ...string) func(http.Header, []byte, []byte) error {
	names := append([]string{name}, more...)
	return func(h http.Header, body, secret []byte) error {
		got := header(names...)(h)
		if got == "" {
			return fmt.Errorf("%s: %w", name, ErrSignatureMissing)
		}
		sig, ok := strings.CutPrefix(got, prefix)
		if !ok {
			return fmt.Errorf("%s: not %q followed by a hex digest: %w", name, prefix, ErrSignatureMismatch)
		}
		want := Sign(secret, body)
		raw, err := hex.DecodeString(sig)
		if err != nil || !hmac.Equal(raw, want) {
			return fmt.Errorf("%s: %w", name, ErrSignatureMismatch)
		}
		return nil
	}
}

// token checks a shared token sent as is, in constant time: GitLab's
// X-Gitlab-Token, Bitbucket Cloud's X-Hook-UUID.
func token(name string) func(http.Header, []byte, []byte) error {
	return func(h http.Header, _ []byte, secret []byte) error {
		got := h.Get(name)
		if got == "" {
			return fmt.Errorf("%s: %w", name, ErrSignatureMissing)
		}
		if subtle.ConstantTimeCompare([]byte(got), secret) != 1 {
			return fmt.Errorf("%s: %w", name, ErrSignatureMismatch)
		}
		return nil
	}
}

// Sign is the HMAC-SHA256 of body with secret, the digest GitHub, Gitea,
// Bitbucket Server and the generic webhook send in hex.
func Sign(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}
