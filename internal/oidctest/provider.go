// Package oidctest is an OpenID Connect provider over HTTP for tests:
// discovery, a JWKS of one RSA key, an /authorize that logs the configured
// user in at once, and a /token that checks the client, the redirect URI
// and the PKCE code_verifier before it returns an ID token. The server's
// and the CLI's single sign-on tests log in through it.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Provider is a running test provider. ClientID authenticates with
// ClientSecret (HTTP basic); CLIClientID is a public client, without a
// secret, as a CLI's. Both must send an S256 code challenge.
type Provider struct {
	ClientID, ClientSecret, CLIClientID string

	t   testing.TB
	srv *httptest.Server
	key *rsa.PrivateKey
	kid string

	mu    sync.Mutex
	user  map[string]any // the claims of the user /authorize logs in
	codes map[string]authRequest
	nonce string // when set, the ID token carries this nonce instead of the request's
}

// authRequest is what /authorize recorded for a code.
type authRequest struct {
	clientID, challenge, nonce, redirectURI string
}

// New starts a provider, stopped when the test ends.
func New(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{t: t, key: key, kid: "k1", ClientID: "tiphys", ClientSecret: "s3cret", CLIClientID: "tiphys-cli",
		codes: map[string]authRequest{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": p.Issuer(), "authorization_endpoint": p.Issuer() + "/authorize",
			"token_endpoint": p.Issuer() + "/token", "jwks_uri": p.Issuer() + "/keys",
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "none"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.srv.URL }

// Login sets the claims of the user /authorize logs in.
func (p *Provider) Login(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = claims
}

// SetNonce makes the ID tokens carry nonce instead of the request's ("":
// the request's again), as a replayed token would.
func (p *Provider) SetNonce(nonce string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nonce = nonce
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("client_id")
	if q.Get("response_type") != "code" || id != p.ClientID && id != p.CLIClientID || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := randomString()
	p.mu.Lock()
	p.codes[code] = authRequest{clientID: id, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirectURI: q.Get("redirect_uri")}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !(id == p.ClientID && secret == p.ClientSecret || id == p.CLIClientID && secret == "") {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	req, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	user, nonce := p.user, p.nonce
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok || req.clientID != id || r.PostForm.Get("redirect_uri") != req.redirectURI:
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "unknown code"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge:
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "code_verifier does not match the code_challenge"})
		return
	}
	if nonce == "" {
		nonce = req.nonce
	}
	claims := map[string]any{"nonce": nonce, "aud": id}
	for k, v := range user {
		claims[k] = v
	}
	writeJSON(w, 200, map[string]any{"access_token": randomString(), "token_type": "Bearer", "expires_in": 3600,
		"id_token": p.Sign(claims)})
}

// Sign signs an ID token of claims with the provider's key; iss, aud, iat
// and exp default to the provider, its ClientID and an hour from now.
func (p *Provider) Sign(claims map[string]any) string {
	return SignWith(p.t, p.key, p.kid, p.Defaults(claims))
}

// Defaults are claims with iss, aud, iat and exp added where missing.
func (p *Provider) Defaults(claims map[string]any) map[string]any {
	out := map[string]any{"iss": p.Issuer(), "aud": p.ClientID, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		out[k] = v
	}
	return out
}

// KeyID is the id of the provider's signing key.
func (p *Provider) KeyID() string { return p.kid }

// SignWith signs claims as an RS256 JWT with key, whose id is kid.
func SignWith(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := sig.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomString() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
