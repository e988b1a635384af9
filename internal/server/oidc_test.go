package server

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/oidctest"
)

// setConfig merges data into the ConfigMap name of the api's namespace.
func (a *api) setConfig(name string, data map[string]string) {
	a.t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{}
	err := env.Client.Get(ctx, client.ObjectKey{Namespace: a.ns, Name: name}, cm)
	if apierrors.IsNotFound(err) {
		a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: name}, Data: data})
		return
	} else if err != nil {
		a.t.Fatal(err)
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	for k, v := range data {
		cm.Data[k] = v
	}
	if err := env.Client.Update(ctx, cm); err != nil {
		a.t.Fatal(err)
	}
}

// useOIDC configures the api for p as Argo CD is: url and oidc.config in
// argocd-cm, the client secret a $reference into argocd-secret.
func (a *api) useOIDC(p *oidctest.Provider) {
	a.t.Helper()
	ctx := context.Background()
	sec := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: a.ns, Name: settingsSecret}, sec); err != nil {
		a.t.Fatal(err)
	}
	sec.Data["oidc.tiphys.clientSecret"] = []byte(p.ClientSecret)
	if err := env.Client.Update(ctx, sec); err != nil {
		a.t.Fatal(err)
	}
	a.setConfig(settingsConfigMap, map[string]string{"url": a.url, "oidc.config": "name: Test IdP\nissuer: " + p.Issuer() +
		"\nclientID: " + p.ClientID + "\nclientSecret: $oidc.tiphys.clientSecret\n"})
}

// browser is an HTTP client with a cookie jar that follows redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// get sends GET url with c and returns the status and body.
func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Given an identity provider in oidc.config, when a browser logs in at
// /auth/login, then it goes through the provider and the callback to its
// return URL holding the ID token in the argocd.token cookie, and the API
// knows it by its email and groups; the settings show the provider
// without its secret; logging out ends the session.
func TestOIDCLogin(t *testing.T) {
	a := newAPI(t, unique("srv-oidc"))
	p := oidctest.New(t)
	a.useOIDC(p)
	a.create(a.project("team-a"), a.app("a1", "team-a"))
	a.setConfig(rbacConfigMap, map[string]string{"policy.csv": "g, team-a, role:readonly\n"})
	p.Login(map[string]any{"sub": "u-1001", "email": "alice@example.com", "groups": []string{"team-a", "everyone"}})

	status, body := get(t, http.DefaultClient, a.url+"/api/v1/settings")
	if status != 200 || !strings.Contains(body, `"name":"Test IdP"`) || !strings.Contains(body, `"clientID":"tiphys"`) ||
		strings.Contains(body, p.ClientSecret) || !strings.Contains(body, `"url":"`+a.url+`"`) {
		t.Errorf("settings: %d %s", status, body)
	}

	b := browser(t)
	status, body = get(t, b, a.url+"/auth/login?return_url="+url.QueryEscape("/api/v1/session/userinfo"))
	var info struct {
		LoggedIn      bool
		Username, Iss string
		Groups        []string
	}
	_ = json.Unmarshal([]byte(body), &info)
	if status != 200 || !info.LoggedIn || info.Username != "alice@example.com" || info.Iss != p.Issuer() ||
		strings.Join(info.Groups, ",") != "team-a,everyone" {
		t.Fatalf("after the login, userinfo: %d %s", status, body)
	}
	server, _ := url.Parse(a.url)
	var token string
	for _, c := range b.Jar.Cookies(server) {
		if c.Name == tokenCookie {
			token = c.Value
		}
	}
	if tokenIssuer(token) != p.Issuer() {
		t.Fatalf("the %s cookie is not the provider's ID token: %q", tokenCookie, token)
	}
	if status, body := get(t, b, a.url+"/api/v1/applications/a1"); status != 200 {
		t.Errorf("get a1 with the cookie, as team-a: %d %s", status, body)
	}
	if status, body := a.call("GET", "/api/v1/applications/a1", token, nil); status != 200 {
		t.Errorf("get a1 with the ID token as a bearer: %d %s", status, body)
	}
	if status, body := a.call("POST", "/api/v1/applications/a1/sync", token, nil); status != 403 || !strings.Contains(body, "sub: u-1001") {
		t.Errorf("sync a1 as readonly: %d %s, want 403 naming the subject", status, body)
	}
	if !strings.Contains(a.log.String(), `"user"="u-1001"`) {
		t.Errorf("the audit line does not name the user:\n%s", a.log)
	}
	lo := &http.Client{Jar: b.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := lo.Get(a.url + "/auth/logout")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("logout: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, body := a.call("GET", "/api/v1/applications/a1", token, nil); status != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("the ID token after logout: %d %s, want 401", status, body)
	}
}

// Given a login in progress, when the code is exchanged with a verifier
// that does not match the challenge the provider saw, or the state or the
// nonce is not the login's, then no session is made.
func TestOIDCLoginRefused(t *testing.T) {
	a := newAPI(t, unique("srv-oidc-bad"))
	p := oidctest.New(t)
	a.useOIDC(p)
	p.Login(map[string]any{"sub": "u-1", "email": "mallory@example.com"})
	noRedirect := func(b *http.Client) {
		b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	start := func(b *http.Client) *url.URL {
		resp, err := b.Get(a.url + "/auth/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		to, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || err != nil {
			t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		return to
	}
	hasSession := func(b *http.Client) bool {
		server, _ := url.Parse(a.url)
		for _, c := range b.Jar.Cookies(server) {
			if c.Name == tokenCookie && c.Value != "" {
				return true
			}
		}
		return false
	}
	t.Run("wrong code_verifier", func(t *testing.T) {
		b := browser(t)
		noRedirect(b)
		to := start(b)
		q := to.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
			t.Fatalf("authorization request: %s", to)
		}
		q.Set("code_challenge", "an-attackers-challenge-aaaaaaaaaaaaaaaaaaaaaaaa") // the code is bound to another verifier
		to.RawQuery = q.Encode()
		b.CheckRedirect = nil
		status, body := get(t, b, to.String())
		if status != 401 || !strings.Contains(body, "code_verifier") || hasSession(b) {
			t.Errorf("callback: %d %s, want 401 and no session", status, body)
		}
	})
	t.Run("wrong state", func(t *testing.T) {
		b := browser(t)
		noRedirect(b)
		to := start(b)
		q := to.Query()
		q.Set("state", "forged")
		to.RawQuery = q.Encode()
		b.CheckRedirect = nil
		if status, body := get(t, b, to.String()); status != 400 || !strings.Contains(body, "state") || hasSession(b) {
			t.Errorf("callback: %d %s, want 400 and no session", status, body)
		}
	})
	t.Run("no state cookie", func(t *testing.T) {
		b := browser(t)
		noRedirect(b)
		to := start(b)
		b.Jar, _ = cookiejar.New(nil)
		b.CheckRedirect = nil
		if status, body := get(t, b, to.String()); status != 400 || hasSession(b) {
			t.Errorf("callback: %d %s, want 400 and no session", status, body)
		}
	})
	t.Run("wrong nonce", func(t *testing.T) {
		p.SetNonce("replayed")
		defer p.SetNonce("")
		b := browser(t)
		if status, body := get(t, b, a.url+"/auth/login"); status != 401 || !strings.Contains(body, "nonce") || hasSession(b) {
			t.Errorf("callback: %d %s, want 401 and no session", status, body)
		}
	})
}

// Given a provider, when tokens that are not its valid ID tokens for the
// client are sent as bearers, then each is 401.
func TestOIDCBearerRefused(t *testing.T) {
	a := newAPI(t, unique("srv-oidc-tok"))
	p := oidctest.New(t)
	a.useOIDC(p)
	a.setConfig(rbacConfigMap, map[string]string{"policy.default": "role:readonly"})
	good := p.Sign(map[string]any{"sub": "u-1", "groups": []string{"team-a"}})
	if status, body := a.call("GET", "/api/v1/applications", good, nil); status != 200 {
		t.Fatalf("a valid ID token: %d %s", status, body)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	parts := strings.Split(good, ".")
	forged, _ := json.Marshal(map[string]any{"iss": p.Issuer(), "aud": p.ClientID, "sub": "admin", "exp": time.Now().Add(time.Hour).Unix()})
	for name, tok := range map[string]string{
		"tampered":       parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2],
		"expired":        p.Sign(map[string]any{"sub": "u-1", "exp": time.Now().Add(-time.Minute).Unix()}),
		"wrong audience": p.Sign(map[string]any{"sub": "u-1", "aud": "another-client"}),
		"other key":      oidctest.SignWith(t, other, p.KeyID(), p.Defaults(map[string]any{"sub": "u-1"})),
		"other issuer":   p.Sign(map[string]any{"sub": "u-1", "iss": "https://idp.example.com"}),
		"project role":   p.Sign(map[string]any{"sub": "proj:team-a:ci"}),
	} {
		t.Run(name, func(t *testing.T) {
			if status, body := a.call("GET", "/api/v1/applications", tok, nil); status != 401 {
				t.Errorf("%d %s, want 401", status, body)
			}
		})
	}
	// A provider's user named as a local account is not that account.
	a.account("dave", "unused")
	a.setConfig(settingsConfigMap, map[string]string{"accounts.dave": "apiKey, login"})
	dave := p.Sign(map[string]any{"sub": "dave"})
	if status, body := a.call("POST", "/api/v1/account/dave/token", dave, nil); status != 403 {
		t.Errorf("a provider's user dave mints local dave's API key: %d %s, want 403", status, body)
	}
}

// Given policies bound to groups, when an identity provider's user calls,
// then the values of the claims argocd-rbac-cm's scopes name are its
// groups: [groups] by default, [groups, email] adding the email.
func TestOIDCGroupsAndScopes(t *testing.T) {
	a := newAPI(t, unique("srv-oidc-rbac"))
	p := oidctest.New(t)
	a.useOIDC(p)
	a.create(a.project("team-a"), a.project("team-b"), a.app("a1", "team-a"), a.app("b1", "team-b"))
	a.setConfig(rbacConfigMap, map[string]string{"policy.csv": strings.Join([]string{
		"p, role:team-a-deployer, applications, get, team-a/*, allow",
		"p, role:team-a-deployer, applications, sync, team-a/*, allow",
		"p, role:b-reader, applications, get, team-b/*, allow",
		"g, team-a, role:team-a-deployer",
		"g, alice@example.com, role:b-reader",
	}, "\n")})
	alice := p.Sign(map[string]any{"sub": "u-1001", "email": "alice@example.com", "groups": []string{"team-a"}})
	bob := p.Sign(map[string]any{"sub": "u-1002", "email": "bob@example.com", "groups": []string{"team-b"}})
	check := func(when string, token, method, path string, want int) {
		t.Helper()
		if status, body := a.call(method, path, token, nil); status != want {
			t.Errorf("%s: %s %s: %d %s, want %d", when, method, path, status, body, want)
		}
	}
	check("scopes [groups]", alice, "POST", "/api/v1/applications/a1/sync", 200)
	synced := &v1alpha1.Application{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: "a1"}, synced); err != nil ||
		synced.Operation == nil || synced.Operation.InitiatedBy.Username != "alice@example.com" {
		t.Errorf("the sync's initiator: %+v, %v; want alice@example.com, as Argo CD names a provider's user", synced.Operation, err)
	}
	check("scopes [groups]", alice, "GET", "/api/v1/applications/b1", 403)
	check("scopes [groups]", bob, "GET", "/api/v1/applications/a1", 403)
	check("scopes [groups]", alice, "GET", "/api/v1/account/can-i/applications/sync/team-a/a1", 200)

	a.setConfig(rbacConfigMap, map[string]string{"scopes": "[groups, email]"})
	check("scopes [groups, email]", alice, "GET", "/api/v1/applications/b1", 200)
	check("scopes [groups, email]", bob, "GET", "/api/v1/applications/b1", 403)
	status, body := a.call("GET", "/api/v1/session/userinfo", alice, nil)
	if status != 200 || !strings.Contains(body, `"groups":["team-a","alice@example.com"]`) {
		t.Errorf("userinfo under [groups, email]: %d %s", status, body)
	}

	a.setConfig(rbacConfigMap, map[string]string{"scopes": "[email]"})
	check("scopes [email]", alice, "POST", "/api/v1/applications/a1/sync", 403)
	check("scopes [email]", alice, "GET", "/api/v1/applications/b1", 200)
}

// Given a login, when return_url points elsewhere than this server, then
// the login is refused before it reaches the provider.
func TestOIDCOpenRedirect(t *testing.T) {
	a := newAPI(t, unique("srv-oidc-redir"))
	p := oidctest.New(t)
	a.useOIDC(p)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		returnURL string
		want      int
	}{
		{"", http.StatusSeeOther},
		{"/applications/argocd/a1?view=tree", http.StatusSeeOther},
		{a.url + "/applications", http.StatusSeeOther},
		{"https://evil.example.com/", http.StatusBadRequest},
		{"//evil.example.com/", http.StatusBadRequest},
		{"/\\evil.example.com/", http.StatusBadRequest},
		{"javascript:alert(1)", http.StatusBadRequest},
		{"applications", http.StatusBadRequest},
		{p.Issuer() + "/", http.StatusBadRequest},
	} {
		t.Run(tc.returnURL, func(t *testing.T) {
			resp, err := c.Get(a.url + "/auth/login?return_url=" + url.QueryEscape(tc.returnURL))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if resp.StatusCode != tc.want || tc.want == http.StatusSeeOther && !strings.HasPrefix(loc, p.Issuer()+"/authorize?") {
				t.Errorf("%d to %q, want %d", resp.StatusCode, loc, tc.want)
			}
		})
	}
}

// Given a project role whose groups name a provider group, when a user of
// that group calls, then the role's project-scoped policies apply to it,
// and nothing outside the project.
func TestOIDCGroupsInProjectRoles(t *testing.T) {
	a := newAPI(t, unique("srv-oidc-proj"))
	p := oidctest.New(t)
	a.useOIDC(p)
	viewer := v1alpha1.ProjectRole{Name: "viewer", Groups: []string{"team-b-devs"},
		Policies: []string{"p, proj:team-b:viewer, applications, get, team-b/*, allow"}}
	a.create(a.project("team-a"), a.project("team-b", viewer), a.app("a1", "team-a"), a.app("b1", "team-b"))
	dev := p.Sign(map[string]any{"sub": "u-7", "groups": []string{"team-b-devs"}})
	for path, want := range map[string]int{"/api/v1/applications/b1": 200, "/api/v1/applications/a1": 403} {
		if status, body := a.call("GET", path, dev, nil); status != want {
			t.Errorf("GET %s as a team-b-devs member: %d %s, want %d", path, status, body, want)
		}
	}
}
