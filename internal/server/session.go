package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// user is an authenticated caller: the token's subject and claims.
type user struct {
	subject string
	claims  *claims        // a local token's
	oidc    map[string]any // an identity provider's token's (oidc_token.go)
}

// createSession is POST /api/v1/session: {"username", "password"} →
// {"token"}, the token also set as the argocd.token cookie.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	var req struct{ Username, Password string }
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if s.logins.blocked(req.Username, time.Now()) {
		s.opts.Log.Info("login refused: too many failed login attempts", "user", req.Username, "remote", r.RemoteAddr)
		writeError(w, errorf(http.StatusUnauthorized, "too many failed login attempts for %s: try again in %s", req.Username, loginFailureWindow))
		return
	}
	if err := s.checkPassword(r.Context(), req.Username, req.Password); err != nil {
		s.logins.fail(req.Username, time.Now())
		s.opts.Log.Info("login failed", "user", req.Username, "remote", r.RemoteAddr)
		writeError(w, err)
		return
	}
	s.logins.forget(req.Username)
	token, err := s.sign(r.Context(), req.Username+":"+capabilityLogin, randomString(16), sessionDuration)
	if err != nil {
		writeError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, Expires: time.Now().Add(sessionDuration)})
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

// deleteSession is DELETE /api/v1/session: the session's token is revoked
// (until it would have expired; kept in memory, so a restarted server
// forgets it) and the cookie cleared.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	s.revokeOIDC(r)
	if c, err := s.parse(r.Context(), requestToken(r)); err == nil && c.ID != "" {
		expires := time.Now().Add(sessionDuration)
		if c.ExpiresAt != nil {
			expires = c.ExpiresAt.Time
		}
		s.revoked.Store(c.ID, expires)
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	writeJSON(w, http.StatusOK, map[string]any{})
}

// isRevoked reports a logged-out token; expired entries are dropped.
func (s *Server) isRevoked(c *claims) bool {
	v, ok := s.revoked.Load(c.ID)
	if !ok || c.ID == "" {
		return false
	}
	if time.Now().After(v.(time.Time)) {
		s.revoked.Delete(c.ID)
		return false
	}
	return true
}

// userInfo is GET /api/v1/session/userinfo: {"loggedIn", "username",
// "iss", "groups"}; an identity provider's user is named by its email
// (else its identifier) and its groups are the values of the claims
// argocd-rbac-cm's scopes name, as Argo CD's.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	u, err := s.authenticate(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"loggedIn": false})
		return
	}
	groups, err := s.groups(r.Context(), u)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"loggedIn": true, "username": u.username(), "iss": u.issuer(), "groups": groups})
}

// authed wraps a handler that needs a caller: no valid token is 401.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *user)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.authenticate(r)
		if err != nil {
			writeError(w, err)
			return
		}
		if ns := r.URL.Query().Get("appNamespace"); ns != "" && ns != s.opts.Namespace && !slices.Contains(s.opts.ApplicationNamespaces, ns) {
			writeError(w, errorf(http.StatusBadRequest, "application namespace %q is not permitted (the server's are %s%s)",
				ns, s.opts.Namespace, prefixed(", ", s.opts.ApplicationNamespaces)))
			return
		}
		h(w, r, u)
	})
}

// prefixed joins list after prefix ("" for an empty list).
func prefixed(prefix string, list []string) string {
	if len(list) == 0 {
		return ""
	}
	return prefix + strings.Join(list, ", ")
}

// authenticate checks the request's token: signed by this server, not
// expired, for an enabled account, or for a project role whose
// jwtTokens still lists its id (Argo CD revokes a project token by
// removing that entry); or issued by oidc.config's identity provider
// (authenticateOIDC).
func (s *Server) authenticate(r *http.Request) (*user, error) {
	token := requestToken(r)
	if token == "" {
		return nil, errorf(http.StatusUnauthorized, "no session information")
	}
	if iss := tokenIssuer(token); iss != "" && iss != issuer {
		return s.authenticateOIDC(r.Context(), token, iss)
	}
	c, err := s.parse(r.Context(), token)
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, "invalid session: %v", err)
	}
	if proj, role, ok := projectRole(c.Subject); ok {
		if err := s.checkProjectToken(r.Context(), proj, role, c); err != nil {
			return nil, err
		}
		return &user{subject: c.Subject, claims: c}, nil
	}
	accts, err := s.accounts(r.Context())
	if err != nil {
		return nil, err
	}
	name, capability := accountSubject(c.Subject)
	a := accts[name]
	if a == nil || !a.enabled {
		return nil, errorf(http.StatusUnauthorized, "invalid session: account %s is disabled or does not exist", name)
	}
	if !a.can(capability) {
		return nil, errorf(http.StatusUnauthorized, "invalid session: account %s does not have the %s capability", name, capability)
	}
	if capability == capabilityAPIKey && !a.hasToken(c.ID) {
		return nil, errorf(http.StatusUnauthorized, "invalid session: account %s has no token with id %s (revoked)", name, c.ID)
	}
	// As Argo CD: a password set after the token was issued ends it.
	if c.IssuedAt != nil && c.IssuedAt.Before(a.passwordTime) {
		return nil, errorf(http.StatusUnauthorized, "invalid session: account password has changed since token issued")
	}
	if s.isRevoked(c) {
		return nil, errorf(http.StatusUnauthorized, "invalid session: token was revoked (logged out)")
	}
	return &user{subject: name, claims: c}, nil
}

// The capabilities of local accounts, in argocd-cm's accounts.<name> and
// in the subject of their tokens (<name>:login for a session,
// <name>:apiKey for an API key), as Argo CD names them.
const (
	capabilityLogin  = "login"
	capabilityAPIKey = "apiKey"
)

// accountSubject splits a token's subject into the account and the
// capability it was issued for.
func accountSubject(sub string) (name, capability string) {
	if i := strings.LastIndexByte(sub, ':'); i > 0 {
		return sub[:i], sub[i+1:]
	}
	return sub, capabilityLogin
}

// projectRole splits a project role's subject, proj:<project>:<role>.
func projectRole(sub string) (project, role string, ok bool) {
	rest, ok := strings.CutPrefix(sub, "proj:")
	if !ok {
		return "", "", false
	}
	return strings.Cut(rest, ":")
}

// checkProjectToken fails unless the project's role lists the token: by
// its id, or by its issue time for a token without one.
func (s *Server) checkProjectToken(ctx context.Context, project, role string, c *claims) error {
	var p v1alpha1.AppProject
	if err := s.opts.Client.Get(ctx, client.ObjectKey{Namespace: s.opts.Namespace, Name: project}, &p); err != nil {
		return errorf(http.StatusUnauthorized, "invalid session: project %s: %v", project, err)
	}
	for _, r := range p.Spec.Roles {
		if r.Name != role {
			continue
		}
		for _, t := range r.JWTTokens {
			if c.ID != "" && t.ID == c.ID || c.ID == "" && c.IssuedAt != nil && t.IssuedAt == c.IssuedAt.Unix() {
				return nil
			}
		}
	}
	return errorf(http.StatusUnauthorized, "invalid session: token of project %s role %s was revoked", project, role)
}

// enforce fails with 403 naming the permission unless u may do act on
// res's obj.
func (s *Server) enforce(ctx context.Context, u *user, res, act, obj string) error {
	p, err := s.policy(ctx)
	if err != nil {
		return err
	}
	if !p.allowsUser(u, res, act, obj) {
		return errorf(http.StatusForbidden, "permission denied: %s, %s, %s, sub: %s", res, act, obj, u.subject)
	}
	return nil
}
