package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
)

// oidcProviders caches the identity providers' discovery documents by
// issuer; each provider caches its signing keys (JWKS) and fetches them
// again when a token names a key it does not know.
type oidcProviders struct {
	mu     sync.Mutex
	byIssr map[string]*oidc.Provider
}

// provider returns the issuer's provider, discovering it on first use.
// A failed discovery is not cached, so the next call tries again; the
// lock is not held while discovering, so a provider that does not answer
// does not hold up the others' logins.
func (s *Server) provider(ctx context.Context, issuerURL string) (*oidc.Provider, error) {
	s.oidc.mu.Lock()
	p, ok := s.oidc.byIssr[issuerURL]
	s.oidc.mu.Unlock()
	if ok {
		return p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, issuerURL)
	if err != nil {
		return nil, fmt.Errorf("oidc issuer %s: discovery: %w", issuerURL, err)
	}
	s.oidc.mu.Lock()
	defer s.oidc.mu.Unlock()
	if cached, ok := s.oidc.byIssr[issuerURL]; ok {
		return cached, nil // another call discovered it meanwhile: keep one key cache
	}
	if s.oidc.byIssr == nil {
		s.oidc.byIssr = map[string]*oidc.Provider{}
	}
	s.oidc.byIssr[issuerURL] = p
	return p, nil
}

// verifyIDToken checks a token of the configured issuer: its signature
// against the provider's JWKS, its issuer, expiry and audience (one of
// the config's audiences), and returns it with its claims.
func (s *Server) verifyIDToken(ctx context.Context, c *oidcConfig, raw string) (*oidc.IDToken, map[string]any, error) {
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return nil, nil, err
	}
	tok, err := p.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, raw)
	if err != nil {
		return nil, nil, err
	}
	if !slices.ContainsFunc(tok.Audience, func(a string) bool { return slices.Contains(c.audiences(), a) }) {
		return nil, nil, fmt.Errorf("audience %v is none of %v", tok.Audience, c.audiences())
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return nil, nil, fmt.Errorf("claims: %w", err)
	}
	return tok, claims, nil
}

// tokenIssuer is a token's iss claim, read without verifying it ("" when
// the token is not a JWT): it only chooses who verifies the token.
func tokenIssuer(raw string) string {
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		return ""
	}
	iss, _ := c["iss"].(string)
	return iss
}

// authenticateOIDC checks a bearer token or cookie of the identity
// provider: the configured issuer's, verified, not logged out. The user's
// subject is Argo CD's user identifier: federated_claims.user_id when
// present, else sub. A subject of the form proj:<project>:<role> is
// refused.
func (s *Server) authenticateOIDC(ctx context.Context, raw, iss string) (*user, error) {
	cfg, err := s.sso(ctx)
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, "invalid session: %v", err)
	}
	if cfg.config == nil || cfg.config.Issuer != iss {
		return nil, errorf(http.StatusUnauthorized, "invalid session: token issuer %q is neither argocd nor the oidc.config issuer", iss)
	}
	_, claims, err := s.verifyIDToken(ctx, cfg.config, raw)
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, "invalid session: %v", err)
	}
	if s.isRevokedOIDC(raw) {
		return nil, errorf(http.StatusUnauthorized, "invalid session: token was revoked (logged out)")
	}
	sub := userIdentifier(claims)
	if sub == "" {
		return nil, errorf(http.StatusUnauthorized, "invalid session: token has no subject")
	}
	// proj:<project>:<role> names a project role's token: a user of that
	// name would be enforced as the role.
	if _, _, ok := projectRole(sub); ok {
		return nil, errorf(http.StatusUnauthorized, "invalid session: subject %q is reserved for project tokens", sub)
	}
	return &user{subject: sub, oidc: claims}, nil
}

// userIdentifier is Argo CD's user identifier of a token's claims:
// federated_claims.user_id (set by Dex), else sub.
func userIdentifier(claims map[string]any) string {
	if f, ok := claims["federated_claims"].(map[string]any); ok {
		if id, _ := f["user_id"].(string); id != "" {
			return id
		}
	}
	sub, _ := claims["sub"].(string)
	return sub
}

// username is the name the user is shown by: for an identity provider's
// token its email, else its identifier, as Argo CD's userinfo.
func (u *user) username() string {
	if e, _ := u.oidc["email"].(string); e != "" {
		return e
	}
	return u.subject
}

// issuer is the iss of the user's token.
func (u *user) issuer() string {
	if iss, _ := u.oidc["iss"].(string); iss != "" {
		return iss
	}
	return issuer
}

// scopeValues are the values of the claims named by scopes (a string or
// a list of strings each), as Argo CD's GetScopeValues: the groups an
// identity provider's user is matched as. Local tokens have none.
func (u *user) scopeValues(scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		switch v := u.oidc[sc].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// oidcTokenKey keys a logged-out identity provider's token: the hash of
// the token, since an ID token need not carry a jti.
func oidcTokenKey(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return "oidc:" + hex.EncodeToString(h[:])
}

// revokeOIDC records the request's token, when it is the identity
// provider's, as logged out until it expires (in memory, as local
// sessions).
func (s *Server) revokeOIDC(r *http.Request) {
	raw := requestToken(r)
	if raw == "" || tokenIssuer(raw) == issuer {
		return
	}
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		return
	}
	expires := time.Now().Add(sessionDuration)
	if exp, err := c.GetExpirationTime(); err == nil && exp != nil {
		expires = exp.Time
	}
	s.revoked.Store(oidcTokenKey(raw), expires)
}

// isRevokedOIDC reports a logged-out identity provider's token.
func (s *Server) isRevokedOIDC(raw string) bool {
	return s.isRevoked(&claims{RegisteredClaims: jwt.RegisteredClaims{ID: oidcTokenKey(raw)}})
}

// auditSubject names the caller of r for the audit log ("-" when none):
// the account, or an identity provider's user by its identifier. The
// token is verified, so a forged one is never logged as its subject.
func (s *Server) auditSubject(r *http.Request) string {
	raw := requestToken(r)
	if raw == "" {
		return "-"
	}
	if iss := tokenIssuer(raw); iss != issuer {
		if u, err := s.authenticateOIDC(r.Context(), raw, iss); err == nil {
			return u.subject
		}
		return "-"
	}
	if c, err := s.parse(r.Context(), raw); err == nil {
		who, _ := accountSubject(c.Subject)
		return who
	}
	return "-"
}
