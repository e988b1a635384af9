package server

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rbacConfigMap holds the policy, as Argo CD's argocd-rbac-cm: policy.csv
// (and policy.<name>.csv overlays), policy.default and scopes.
const rbacConfigMap = "argocd-rbac-cm"

// rbacModel is the request shape and matching of Argo CD's RBAC: a subject
// does an action on a resource's object; patterns are globs in which `*`
// matches anything, `/` included (argoGlob: casbin's own globMatch stops
// `*` at `/`, which would keep team-a/* from a repository URL); a deny
// wins over an allow.
const rbacModel = `
[request_definition]
r = sub, res, act, obj
[policy_definition]
p = sub, res, act, obj, eft
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = g(r.sub, p.sub) && argoGlob(r.res, p.res) && argoGlob(r.act, p.act) && argoGlob(r.obj, p.obj)
`

// builtinPolicy is Argo CD's built-in policy (role:readonly, role:admin and
// the admin account's role), read from its RBAC documentation.
var builtinPolicy = func() string {
	var b strings.Builder
	for _, res := range []string{"applications", "applicationsets", "certificates", "clusters", "repositories",
		"write-repositories", "projects", "accounts", "gpgkeys", "logs"} {
		obj := "*"
		if res == "applications" || res == "applicationsets" || res == "logs" {
			obj = "*/*"
		}
		fmt.Fprintf(&b, "p, role:readonly, %s, get, %s, allow\n", res, obj)
	}
	admin := map[string][]string{
		"applications":       {"create", "update", "update/*", "delete", "delete/*", "sync", "override", "action/*", "rollback"},
		"applicationsets":    {"create", "update", "delete"},
		"certificates":       {"create", "update", "delete"},
		"clusters":           {"create", "update", "delete"},
		"repositories":       {"create", "update", "delete"},
		"write-repositories": {"create", "update", "delete"},
		"projects":           {"create", "update", "delete"},
		"accounts":           {"update"},
		"gpgkeys":            {"create", "delete"},
		"exec":               {"create"},
	}
	resources := make([]string, 0, len(admin))
	for r := range admin {
		resources = append(resources, r)
	}
	sort.Strings(resources)
	for _, res := range resources {
		obj := "*"
		if res == "applications" || res == "applicationsets" || res == "exec" {
			obj = "*/*"
		}
		for _, act := range admin[res] {
			fmt.Fprintf(&b, "p, role:admin, %s, %s, %s, allow\n", res, act, obj)
		}
	}
	b.WriteString("g, role:admin, role:readonly\ng, admin, role:admin\n")
	return b.String()
}()

// policy is the RBAC in force: an enforcer of every policy line and the
// default role.
type policy struct {
	enforcer    *casbin.Enforcer
	defaultRole string
}

// allows reports whether sub may do act on res's obj: its own policies, or
// else the default role's (Argo CD's policy.default).
func (p *policy) allows(sub, res, act, obj string) bool {
	if ok, _ := p.enforcer.Enforce(sub, res, act, obj); ok {
		return true
	}
	if p.defaultRole == "" {
		return false
	}
	ok, _ := p.enforcer.Enforce(p.defaultRole, res, act, obj)
	return ok
}

// policies caches the enforcer of the last policy text.
type policies struct {
	mu   sync.Mutex
	text string
	last *policy
}

// load builds the policy from the built-in one, argocd-rbac-cm and the
// projects' roles (`p, proj:<project>:<role>, …` lines and their groups);
// an unchanged text reuses the enforcer.
func (s *Server) policy(ctx context.Context) (*policy, error) {
	cm, err := s.configMap(ctx, rbacConfigMap)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(builtinPolicy)
	b.WriteString(cm["policy.csv"])
	b.WriteString("\n")
	keys := make([]string, 0, len(cm))
	for k := range cm {
		if strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv") && k != "policy.csv" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(cm[k] + "\n")
	}
	var projects v1alpha1.AppProjectList
	if err := s.opts.Client.List(ctx, &projects); err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	for _, p := range projects.Items {
		for _, r := range p.Spec.Roles {
			sub := "proj:" + p.Name + ":" + r.Name
			for _, line := range r.Policies {
				b.WriteString(line + "\n")
			}
			for _, g := range r.Groups {
				fmt.Fprintf(&b, "g, %s, %s\n", g, sub)
			}
		}
	}
	text := cleanPolicy(b.String())
	s.rbac.mu.Lock()
	defer s.rbac.mu.Unlock()
	if s.rbac.last != nil && s.rbac.text == text && s.rbac.last.defaultRole == cm["policy.default"] {
		return s.rbac.last, nil
	}
	m, err := model.NewModelFromString(rbacModel)
	if err != nil {
		return nil, fmt.Errorf("rbac model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(text))
	if err != nil {
		return nil, fmt.Errorf("configmap %s: policy: %w", rbacConfigMap, err)
	}
	e.AddFunction("argoGlob", func(args ...any) (any, error) {
		return globMatch(args[0].(string), args[1].(string)), nil
	})
	s.rbac.text, s.rbac.last = text, &policy{enforcer: e, defaultRole: cm["policy.default"]}
	return s.rbac.last, nil
}

// cleanPolicy drops blank lines and comments and gives `p` lines without an
// effect Argo CD's default one, allow.
func cleanPolicy(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ",")
		if strings.TrimSpace(fields[0]) == "p" && len(fields) == 5 {
			line += ", allow"
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

var globCache sync.Map // pattern → *regexp.Regexp

// globMatch matches s against a glob in which `*` is any text, `/`
// included, and `?` one character, as Argo CD's RBAC globs.
func globMatch(s, pattern string) bool {
	if pattern == "*" || s == pattern {
		return true
	}
	v, ok := globCache.Load(pattern)
	if !ok {
		expr := "^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*"), `\?`, ".") + "$"
		re, err := regexp.Compile(expr)
		if err != nil {
			return false
		}
		v, _ = globCache.LoadOrStore(pattern, re)
	}
	return v.(*regexp.Regexp).MatchString(s)
}
