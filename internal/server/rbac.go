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
	scopesText  string          // argocd-rbac-cm's scopes, as written
	scopes      []string        // the claims matched as groups (rbac_scopes.go)
	groups      map[string]bool // the subjects of g lines
	// decided remembers this policy's answers (a list of 10 000 apps asks
	// 10 000 of them per call); a new policy starts empty.
	decided decisions
}

// decisions is a bounded memo of allows: key → bool.
type decisions struct {
	mu sync.Mutex
	m  map[string]bool
}

// maxDecisions bounds the memo; past it, it starts over.
const maxDecisions = 1 << 18

// allowsMemo is allowsUser, remembered for this policy; who is u's
// subject and groups (whoKey), the part of the key all of u's calls share.
func (p *policy) allowsMemo(who string, u *user, res, act, obj string) bool {
	key := who + "\x00" + res + "\x00" + act + "\x00" + obj
	p.decided.mu.Lock()
	v, ok := p.decided.m[key]
	p.decided.mu.Unlock()
	if ok {
		return v
	}
	v = p.allowsUser(u, res, act, obj)
	p.decided.mu.Lock()
	if p.decided.m == nil || len(p.decided.m) >= maxDecisions {
		p.decided.m = map[string]bool{}
	}
	p.decided.m[key] = v
	p.decided.mu.Unlock()
	return v
}

// whoKey is what decides u's answers under p: the subject and the groups
// its claims give.
func (p *policy) whoKey(u *user) string {
	return u.subject + "\x00" + strings.Join(u.scopeValues(p.scopes), "\x01")
}

// allows reports whether sub may do act on res's obj: its own policies, or
// else the default role's (Argo CD's policy.default). A project role's
// token (proj:<project>:<role>) acts only on its project's objects and
// gets no default role, as Argo CD's enforcer of project tokens.
func (p *policy) allows(sub, res, act, obj string) bool {
	if proj, _, ok := projectRole(sub); ok {
		if !strings.HasPrefix(obj, proj+"/") {
			return false
		}
		ok, _ := p.enforcer.Enforce(sub, res, act, obj)
		return ok
	}
	if ok, _ := p.enforcer.Enforce(sub, res, act, obj); ok {
		return true
	}
	if p.defaultRole == "" {
		return false
	}
	ok, _ := p.enforcer.Enforce(p.defaultRole, res, act, obj)
	return ok
}

// may returns whether u may do act on an object of res under the policy in
// force (one policy read for a whole list).
func (s *Server) may(ctx context.Context, u *user, res, act string) (func(obj string) bool, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return nil, err
	}
	who := pol.whoKey(u)
	return func(obj string) bool { return pol.allowsMemo(who, u, res, act, obj) }, nil
}

// policies caches the enforcer of the last policy text, and argocd-rbac-cm's
// last valid policy.
type policies struct {
	mu        sync.Mutex
	text      string
	last      *policy
	goodCM    string // the last argocd-rbac-cm policy text that parsed
	badCMSeen string // the last invalid one, logged once
}

// policy builds the policy from the built-in one, argocd-rbac-cm and the
// projects' roles; an unchanged text reuses the enforcer.
//
// argocd-rbac-cm's policy (policy.csv and the policy.<name>.csv overlays)
// is taken whole or not at all, as Argo CD validates it: a malformed line
// (a wrong field count, an effect other than allow or deny, a line that
// is not p or g) makes the server keep the last valid policy (none: the
// built-in one) and log the error, so a typo in a deny line never widens
// access. A project role's lines count only for that project: `p` lines
// whose subject is the role itself (proj:<project>:<role>) and whose object
// lies in the project (<project>/…), as Argo CD's project validation
// requires; other lines are left out and logged, and the role's groups
// are bound to the role alone.
func (s *Server) policy(ctx context.Context) (*policy, error) {
	cm, err := s.configMap(ctx, rbacConfigMap)
	if err != nil {
		return nil, err
	}
	var cmText strings.Builder
	cmText.WriteString(cm["policy.csv"] + "\n")
	keys := make([]string, 0, len(cm))
	for k := range cm {
		if strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv") && k != "policy.csv" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmText.WriteString(cm[k] + "\n")
	}
	var projects v1alpha1.AppProjectList
	if err := s.opts.Client.List(ctx, &projects); err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	var projText strings.Builder
	for _, p := range projects.Items {
		for _, r := range p.Spec.Roles {
			if !roleName.MatchString(r.Name) {
				s.opts.Log.Info("project role left out", "project", p.Name, "role", r.Name,
					"reason", "a role's name is letters, digits, '-' and '_' (as Argo CD's)")
				continue
			}
			sub := "proj:" + p.Name + ":" + r.Name
			for _, line := range r.Policies {
				err := projectLine(line, p.Name, sub)
				if err == nil {
					// Each line on its own, so that one bad line (an odd
					// effect) never drops every project's policies.
					_, err = cleanPolicy(line)
				}
				if err != nil {
					s.opts.Log.Info("project role policy line left out", "project", p.Name, "role", r.Name, "line", line, "reason", err.Error())
					continue
				}
				projText.WriteString(line + "\n")
			}
			for _, g := range r.Groups {
				if g == "" || strings.ContainsAny(g, policyBreakers) {
					s.opts.Log.Info("project role group left out", "project", p.Name, "role", r.Name, "group", g,
						"reason", "a group is not empty and has no comma, quote, tab or line break")
					continue
				}
				fmt.Fprintf(&projText, "g, %s, %s\n", g, sub)
			}
		}
	}
	s.rbac.mu.Lock()
	defer s.rbac.mu.Unlock()
	cmPolicy, err := cleanPolicy(cmText.String())
	if err != nil {
		if s.rbac.badCMSeen != cmText.String() {
			s.rbac.badCMSeen = cmText.String()
			s.opts.Log.Error(err, "configmap "+rbacConfigMap+": invalid policy, the last valid one stays in force")
		}
		cmPolicy = s.rbac.goodCM
	} else {
		s.rbac.goodCM = cmPolicy
	}
	projPolicy, _ := cleanPolicy(projText.String()) // its lines are checked above
	text := strings.Join([]string{mustClean(builtinPolicy), cmPolicy, projPolicy}, "\n")
	if s.rbac.last != nil && s.rbac.text == text && s.rbac.last.defaultRole == cm["policy.default"] && s.rbac.last.scopesText == cm[scopesKey] {
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
	s.rbac.text, s.rbac.last = text, &policy{enforcer: e, defaultRole: cm["policy.default"],
		scopesText: cm[scopesKey], scopes: parseScopes(cm[scopesKey]), groups: groupSubjects(e)}
	return s.rbac.last, nil
}

// roleName is a project role's name, as Argo CD validates it: anything
// else could write policy lines of its own into the role's subject.
var roleName = regexp.MustCompile(`^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$`)

// policyBreakers are the characters a project role's group may not hold:
// they would end its g line or add fields to it.
const policyBreakers = ",\"\n\r\t"

// projectLine checks a project role's policy line: a p line of the role
// itself on an object of the project.
func projectLine(line, project, sub string) error {
	if strings.ContainsAny(line, "\n\r") {
		return fmt.Errorf("a policy line has no line break")
	}
	f := policyFields(line)
	if len(f) < 5 || len(f) > 6 || f[0] != "p" {
		return fmt.Errorf("want p, %s, RESOURCE, ACTION, %s/OBJECT[, allow|deny]", sub, project)
	}
	if f[1] != sub {
		return fmt.Errorf("subject %q is not the role %s", f[1], sub)
	}
	if !strings.HasPrefix(f[4], project+"/") {
		return fmt.Errorf("object %q is not in project %s", f[4], project)
	}
	return nil
}

// policyFields splits a policy line at its commas, trimmed.
func policyFields(line string) []string {
	f := strings.Split(line, ",")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// cleanPolicy checks every line of a policy and drops blank lines and
// comments; `p` lines without an effect get Argo CD's default one, allow.
// Lines: `p, SUBJECT, RESOURCE, ACTION, OBJECT[, allow|deny]` and `g, SUBJECT,
// ROLE`; anything else is an error naming the line.
func cleanPolicy(text string) (string, error) {
	var out []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := policyFields(line)
		switch {
		case f[0] == "p" && len(f) == 5:
			line += ", allow"
		case f[0] == "p" && len(f) == 6 && (f[5] == "allow" || f[5] == "deny"):
		case f[0] == "g" && len(f) == 3:
		default:
			return "", fmt.Errorf("policy line %d %q: want p, SUBJECT, RESOURCE, ACTION, OBJECT[, allow|deny] or g, SUBJECT, ROLE", i+1, line)
		}
		for _, v := range f[1:] {
			if v == "" {
				return "", fmt.Errorf("policy line %d %q: an empty field", i+1, line)
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n"), nil
}

// mustClean is cleanPolicy of a policy known to be valid.
func mustClean(text string) string {
	out, err := cleanPolicy(text)
	if err != nil {
		panic(err)
	}
	return out
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
