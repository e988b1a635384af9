package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The single sign-on paths and cookie, as Argo CD names them.
const (
	loginPath    = "/auth/login"
	callbackPath = "/auth/callback"
	logoutPath   = "/auth/logout"
	stateCookie  = "argocd.oauthstate"
	stateMaxAge  = 5 * time.Minute
	maxCookieLen = 4000 // a browser keeps a cookie of up to 4096 bytes, name included
)

// ssoRoutes are the unauthenticated single sign-on routes: /auth/login,
// /auth/callback, /auth/logout and /api/v1/settings.
func (s *Server) ssoRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/settings", summary: "the settings a UI needs before login: url and the OIDC provider, without secrets",
			public: true, serve: http.HandlerFunc(s.getSettings)},
		{method: "GET", path: loginPath, summary: "start a single sign-on login: redirect to the OIDC provider (return_url: where to go after)",
			public: true, serve: http.HandlerFunc(s.ssoLogin)},
		{method: "GET", path: callbackPath, summary: "the OIDC provider's redirect back: sets the argocd.token cookie", public: true,
			serve: http.HandlerFunc(s.ssoCallback)},
		{method: "GET", path: logoutPath, summary: "log out of single sign-on: revoke, clear the cookie, redirect to the provider's logoutURL",
			public: true, serve: http.HandlerFunc(s.ssoLogout)},
	}
}

// loginState is what the state cookie carries from the login to the
// callback, encrypted and authenticated with a key derived from
// server.secretkey, so the browser can neither read the PKCE verifier
// nor change the return URL.
type loginState struct {
	State     string `json:"state"`
	Nonce     string `json:"nonce"`
	Verifier  string `json:"verifier"`
	ReturnURL string `json:"returnURL"`
	Expires   int64  `json:"exp"`
}

// oauth2Config is the authorization code flow's client for cfg, the
// redirect URL being argocd-cm's url + /auth/callback, as Argo CD's.
func (s *Server) oauth2Config(ctx context.Context, cfg *sso) (*oauth2.Config, error) {
	if cfg.config == nil {
		return nil, errorf(http.StatusNotFound, "single sign-on is not configured: argocd-cm has no %s", oidcConfigKey)
	}
	if cfg.url == "" {
		return nil, errorf(http.StatusInternalServerError, "configmap %s has no %s: the OIDC redirect URL is %s/auth/callback", settingsConfigMap, urlKey, "<url>")
	}
	p, err := s.provider(ctx, cfg.config.Issuer)
	if err != nil {
		return nil, err
	}
	ep := p.Endpoint()
	ep.AuthStyle = authStyle(p)
	return &oauth2.Config{ClientID: cfg.config.ClientID, ClientSecret: cfg.config.ClientSecret, Endpoint: ep,
		RedirectURL: cfg.url + callbackPath, Scopes: cfg.config.scopes()}, nil
}

// authStyle is how the client authenticates to the token endpoint, from
// the discovery's token_endpoint_auth_methods_supported: HTTP basic when
// listed, the form when only client_secret_post is; else both are tried
// (a failed first try would otherwise hide the provider's answer behind
// the second's).
func authStyle(p *oidc.Provider) oauth2.AuthStyle {
	var d struct {
		Methods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := p.Claims(&d); err != nil || len(d.Methods) == 0 {
		return oauth2.AuthStyleAutoDetect
	}
	switch {
	case slices.Contains(d.Methods, "client_secret_basic"):
		return oauth2.AuthStyleInHeader
	case slices.Contains(d.Methods, "client_secret_post"):
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
}

// ssoLogin is GET /auth/login?return_url=…: it redirects to the
// identity provider's authorization endpoint (the authorization code
// flow with PKCE S256, a state and a nonce kept in the state cookie for
// five minutes). return_url is where the callback sends the browser: a
// path of this server, or an absolute URL under argocd-cm's url (the
// form Argo CD's UI sends); anything else is 400, so the login cannot be
// turned into an open redirect.
func (s *Server) ssoLogin(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.sso(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	returnURL, err := safeReturnURL(r.URL.Query().Get("return_url"), cfg.url)
	if err != nil {
		writeError(w, err)
		return
	}
	oc, err := s.oauth2Config(r.Context(), cfg)
	if err != nil {
		writeError(w, err)
		return
	}
	st := loginState{State: randomString(24), Nonce: randomString(24), Verifier: oauth2.GenerateVerifier(),
		ReturnURL: returnURL, Expires: time.Now().Add(stateMaxAge).Unix()}
	sealed, err := s.sealState(r.Context(), st)
	if err != nil {
		writeError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: sealed, Path: statePath(cfg.url), MaxAge: int(stateMaxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(cfg.url, "https://")})
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(st.Verifier), oidc.Nonce(st.Nonce)}
	if len(cfg.config.RequestedIDTokenClaims) > 0 {
		b, err := json.Marshal(map[string]any{"id_token": cfg.config.RequestedIDTokenClaims})
		if err != nil {
			writeError(w, fmt.Errorf("requestedIDTokenClaims: %w", err))
			return
		}
		opts = append(opts, oauth2.SetAuthURLParam("claims", string(b)))
	}
	http.Redirect(w, r, oc.AuthCodeURL(st.State, opts...), http.StatusSeeOther)
}

// ssoCallback is GET /auth/callback?code=…&state=…: the state must be
// the state cookie's; the code is exchanged with the PKCE verifier; the
// ID token must be the issuer's, for the clientID, unexpired, with the
// login's nonce. The ID token becomes the argocd.token cookie, as Argo
// CD keeps it, and the browser goes to the login's return URL.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		writeError(w, errorf(http.StatusUnauthorized, "identity provider refused the login: %s: %s", e, q.Get("error_description")))
		return
	}
	cfg, err := s.sso(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	st, err := s.callbackState(r)
	if err != nil {
		writeError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: statePath(cfg.url), MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(cfg.url, "https://")})
	oc, err := s.oauth2Config(r.Context(), cfg)
	if err != nil {
		writeError(w, err)
		return
	}
	tok, err := oc.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		s.opts.Log.Info("login failed", "issuer", cfg.config.Issuer, "reason", err.Error(), "remote", r.RemoteAddr)
		writeError(w, errorf(http.StatusUnauthorized, "exchange the authorization code: %v", err))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		writeError(w, errorf(http.StatusUnauthorized, "identity provider %s returned no id_token", cfg.config.Issuer))
		return
	}
	id, _, err := s.verifyIDToken(r.Context(), cfg.config, raw)
	if err != nil {
		writeError(w, errorf(http.StatusUnauthorized, "id token: %v", err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(st.Nonce)) != 1 {
		writeError(w, errorf(http.StatusUnauthorized, "id token: nonce does not match the login's"))
		return
	}
	if len(raw) > maxCookieLen {
		writeError(w, errorf(http.StatusInternalServerError, "id token of %d bytes is too large for the %s cookie (at most %d)", len(raw), tokenCookie, maxCookieLen))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: raw, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(cfg.url, "https://"), Expires: id.Expiry})
	s.opts.Log.Info("login", "issuer", cfg.config.Issuer, "subject", id.Subject, "remote", r.RemoteAddr)
	http.Redirect(w, r, st.ReturnURL, http.StatusSeeOther)
}

// statePath is the state cookie's path: /auth under the path of
// argocd-cm's url, where the browser sees the callback (a proxy may serve
// the server under a prefix).
func statePath(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "/auth"
	}
	return strings.TrimRight(u.Path, "/") + "/auth"
}

// callbackState opens the state cookie and checks it against the
// request's state parameter and its expiry.
func (s *Server) callbackState(r *http.Request) (*loginState, error) {
	c, err := r.Cookie(stateCookie)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "no %s cookie: start the login at %s", stateCookie, loginPath)
	}
	st, err := s.openState(r.Context(), c.Value)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "%s cookie: %v", stateCookie, err)
	}
	if time.Now().Unix() > st.Expires {
		return nil, errorf(http.StatusBadRequest, "the login expired: start it again at %s", loginPath)
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("state")), []byte(st.State)) != 1 {
		return nil, errorf(http.StatusBadRequest, "state does not match the login's")
	}
	return st, nil
}

// ssoLogout is GET /auth/logout: the session's token is revoked and its
// cookie cleared, then the browser goes to oidc.config's logoutURL, its
// {{token}} replaced by the ID token and {{logoutRedirectURL}} by
// argocd-cm's url, as Argo CD's; without a logoutURL, to /.
func (s *Server) ssoLogout(w http.ResponseWriter, r *http.Request) {
	raw := requestToken(r)
	s.revokeOIDC(r)
	if c, err := s.parse(r.Context(), raw); err == nil && c.ID != "" {
		s.revoked.Store(c.ID, time.Now().Add(sessionDuration))
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	cfg, err := s.sso(r.Context())
	if err != nil || cfg.config == nil || cfg.config.LogoutURL == "" || tokenIssuer(raw) != cfg.config.Issuer {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	to := strings.ReplaceAll(cfg.config.LogoutURL, "{{token}}", url.QueryEscape(raw))
	to = strings.ReplaceAll(to, "{{logoutRedirectURL}}", url.QueryEscape(cfg.url))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeReturnURL checks a login's return_url: empty is /; a path of this
// server (no scheme, no host, not // or /\ which browsers read as another
// host); or an absolute URL with base's scheme and host under base's
// path. Anything else is 400.
func safeReturnURL(v, base string) (string, error) {
	if v == "" {
		return "/", nil
	}
	bad := errorf(http.StatusBadRequest, "return_url %q: want a path of this server or a URL under argocd-cm's url", v)
	if strings.ContainsAny(v, "\\\r\n\t") || strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return "", bad
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", bad
	}
	if u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" {
		if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") {
			return "", bad
		}
		return v, nil
	}
	b, err := url.Parse(base)
	if base == "" || err != nil || u.Scheme != b.Scheme || u.Host != b.Host || u.User != nil {
		return "", bad
	}
	prefix := strings.TrimRight(b.Path, "/") + "/"
	if p := u.Path; p != strings.TrimRight(b.Path, "/") && !strings.HasPrefix(p, prefix) || strings.Contains(u.Path, "/..") {
		return "", bad
	}
	return v, nil
}

// stateKey is the AES-256 key of the state cookie, derived from
// server.secretkey so that every replica reads the others' cookies.
func (s *Server) stateKey(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	k := sha256.Sum256(append([]byte("tiphys oidc state\x00"), key...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("state cookie cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealState encrypts st for the state cookie.
func (s *Server) sealState(ctx context.Context, st loginState) (string, error) {
	aead, err := s.stateKey(ctx)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("state cookie: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("state cookie: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(stateCookie))), nil
}

// openState decrypts a state cookie; a changed or foreign one is an error.
func (s *Server) openState(ctx context.Context, v string) (*loginState, error) {
	aead, err := s.stateKey(ctx)
	if err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < aead.NonceSize() {
		return nil, errors.New("not a state this server made")
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(stateCookie))
	if err != nil {
		return nil, errors.New("not a state this server made")
	}
	st := &loginState{}
	if err := json.Unmarshal(plain, st); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return st, nil
}
