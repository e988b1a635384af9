package server

import (
	"context"
	"strings"

	"github.com/casbin/casbin/v2"
	"sigs.k8s.io/yaml"
)

// scopesKey is argocd-rbac-cm's key naming the token claims matched as
// groups, a YAML list (`[groups, email]`); Argo CD's default is [groups].
const scopesKey = "scopes"

// defaultRBACScopes are the claims matched as groups when argocd-rbac-cm
// has no scopes, Argo CD's default.
var defaultRBACScopes = []string{"groups"}

// parseScopes reads argocd-rbac-cm's scopes: a YAML list of claim names
// (a bare name is a list of one); empty or unreadable is the default.
func parseScopes(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return defaultRBACScopes
	}
	var list []string
	if err := yaml.Unmarshal([]byte(text), &list); err != nil {
		var one string
		if yaml.Unmarshal([]byte(text), &one) != nil || one == "" {
			return defaultRBACScopes
		}
		list = []string{one}
	}
	return list
}

// groupSubjects are the subjects of the enforcer's g lines: the groups a
// user's claims may match, as Argo CD looks a claim value up only when a
// g line names it.
func groupSubjects(e *casbin.Enforcer) map[string]bool {
	out := map[string]bool{}
	rules, _ := e.GetGroupingPolicy()
	for _, r := range rules {
		if len(r) > 0 {
			out[r[0]] = true
		}
	}
	return out
}

// allowsUser reports whether u may do act on res's obj: as its subject
// (allows, with the default role), else as any value of the token claims
// argocd-rbac-cm's scopes name that is the subject of a g line, as Argo
// CD's EnforceClaims. Local accounts' tokens carry no such claims.
func (p *policy) allowsUser(u *user, res, act, obj string) bool {
	if p.allows(u.subject, res, act, obj) {
		return true
	}
	if _, _, ok := projectRole(u.subject); ok {
		return false
	}
	for _, g := range u.scopeValues(p.scopes) {
		if !p.groups[g] {
			continue
		}
		if ok, _ := p.enforcer.Enforce(g, res, act, obj); ok {
			return true
		}
	}
	return false
}

// groups are u's groups under the policy in force: the values of the
// claims argocd-rbac-cm's scopes name, as userinfo answers them.
func (s *Server) groups(ctx context.Context, u *user) ([]string, error) {
	p, err := s.policy(ctx)
	if err != nil {
		return nil, err
	}
	g := u.scopeValues(p.scopes)
	if g == nil {
		g = []string{}
	}
	return g, nil
}
