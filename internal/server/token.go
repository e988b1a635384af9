package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuer is the iss claim of the tokens the server signs, Argo CD's.
const issuer = "argocd"

// sessionDuration is how long a login lasts: Argo CD's
// users.session.duration default (argocd-cm overrides it).
const sessionDuration = 24 * time.Hour

// tokenCookie is the cookie Argo CD's UI keeps the session token in.
const tokenCookie = "argocd.token"

// claims are a session or API token's claims: the subject (an account
// name, or proj:<project>:<role> for a project role's token) and the
// registered claims. Argo CD signs them with HS256 and server.secretkey.
type claims struct {
	jwt.RegisteredClaims
}

// sign makes a token for subject, valid for ttl (0: no expiry, as an API
// key without --expires-in), with id as its jti.
func (s *Server) sign(ctx context.Context, subject, id string, ttl time.Duration) (string, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	now := time.Now()
	c := claims{jwt.RegisteredClaims{Issuer: issuer, Subject: subject, IssuedAt: jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now), ID: id}}
	if ttl > 0 {
		c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
}

// parse verifies a token's signature, issuer and times, and returns its claims.
func (s *Server) parse(ctx context.Context, token string) (*claims, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	c := &claims{}
	_, err = jwt.ParseWithClaims(token, c, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(issuer))
	if err != nil {
		return nil, fmt.Errorf("invalid token: %w", err)
	}
	if c.Subject == "" {
		return nil, errors.New("invalid token: no subject")
	}
	return c, nil
}

// requestToken is the token a request carries: `Authorization: Bearer`,
// else the argocd.token cookie ("" for none).
func requestToken(r *http.Request) string {
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(h)
	}
	if c, err := r.Cookie(tokenCookie); err == nil {
		return c.Value
	}
	return ""
}
