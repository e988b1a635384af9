package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// ssoLogin is `tiphys login SERVER --sso`, as `argocd login --sso`: the
// OIDC provider the server's /api/v1/settings names is asked, in a
// browser, for an ID token (authorization code flow with PKCE, the
// redirect to http://localhost:PORT/auth/callback), which becomes the
// token kept for SERVER.
type ssoLogin struct {
	server        string
	port          int
	launchBrowser bool
	timeout       time.Duration
	out           io.Writer
}

// ssoSettings is the part of GET /api/v1/settings the login reads.
type ssoSettings struct {
	OIDCConfig *struct {
		Name        string   `json:"name"`
		Issuer      string   `json:"issuer"`
		ClientID    string   `json:"clientID"`
		CLIClientID string   `json:"cliClientID"`
		Scopes      []string `json:"scopes"`
	} `json:"oidcConfig"`
}

// callbackResult is what the local callback hands the login: the ID
// token and the user's name (email, else subject), or why there is none.
type callbackResult struct {
	token, name string
	err         error
}

// run logs in and returns the ID token and the name to greet the user by.
func (o *ssoLogin) run(ctx context.Context) (token, name string, err error) {
	var set ssoSettings
	if err := newAPIClient(o.server, "").call(ctx, http.MethodGet, "/api/v1/settings", nil, &set); err != nil {
		return "", "", err
	}
	c := set.OIDCConfig
	if c == nil || c.Issuer == "" {
		return "", "", fmt.Errorf("server %s has no single sign-on (oidc.config in argocd-cm)", serverKey(o.server))
	}
	clientID := c.CLIClientID
	if clientID == "" {
		clientID = c.ClientID
	}
	provider, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return "", "", fmt.Errorf("oidc issuer %s: discovery: %w", c.Issuer, err)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", o.port))
	if err != nil {
		return "", "", fmt.Errorf("listen for the login's callback: %w", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	conf := &oauth2.Config{ClientID: clientID, Endpoint: provider.Endpoint(), Scopes: c.Scopes,
		RedirectURL: fmt.Sprintf("http://localhost:%d/auth/callback", port)}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client: its id in the form, no secret
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	verify := provider.Verifier(&oidc.Config{ClientID: clientID})

	done := make(chan callbackResult, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/callback", func(w http.ResponseWriter, r *http.Request) {
		tok, name, err := o.callback(r, conf, verify, state, nonce, verifier)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "<p>Login failed: %s</p>", html.EscapeString(err.Error()))
		} else {
			fmt.Fprint(w, "<p>Authentication successful: you may close this window and return to the terminal.</p>")
		}
		select {
		case done <- callbackResult{token: tok, name: name, err: err}:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	fmt.Fprintf(o.out, "Log in via %s at:\n%s\n", orDash(c.Name), authURL)
	if o.launchBrowser {
		openBrowser(authURL)
	}
	wait, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	select {
	case res := <-done:
		return res.token, res.name, res.err
	case <-wait.Done():
		return "", "", fmt.Errorf("no login within %s: %w", o.timeout, wait.Err())
	}
}

// callback checks the provider's redirect back (state), exchanges the
// code with the PKCE verifier and verifies the ID token (issuer, audience,
// expiry, nonce); it returns the ID token and the user's name.
func (o *ssoLogin) callback(r *http.Request, conf *oauth2.Config, verify *oidc.IDTokenVerifier, state, nonce, verifier string) (token, name string, err error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return "", "", fmt.Errorf("identity provider refused the login: %s: %s", e, q.Get("error_description"))
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return "", "", errors.New("state does not match the login's")
	}
	tok, err := conf.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return "", "", fmt.Errorf("exchange the authorization code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", "", errors.New("the identity provider returned no id_token")
	}
	id, err := verify.Verify(r.Context(), raw)
	if err != nil {
		return "", "", fmt.Errorf("id token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(nonce)) != 1 {
		return "", "", errors.New("id token: nonce does not match the login's")
	}
	var claims struct{ Email string }
	if err := id.Claims(&claims); err == nil && claims.Email != "" {
		return raw, claims.Email, nil
	}
	return raw, id.Subject, nil
}

// openBrowser opens url in the desktop's browser, if there is one; the
// URL is printed in any case.
func openBrowser(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }()
	}
}

// randomToken is 24 random bytes, URL-safe base64.
func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
