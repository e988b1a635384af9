package render

import (
	"os"
	"sort"
	"strings"
	"sync"
)

// BuildEnv is the build environment Argo CD gives the tools that render a
// source: ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_PROJECT_NAME,
// ARGOCD_APP_REVISION (with ARGOCD_APP_REVISION_SHORT, 7 characters, and
// ARGOCD_APP_REVISION_SHORT_8), ARGOCD_APP_SOURCE_REPO_URL,
// ARGOCD_APP_SOURCE_PATH and ARGOCD_APP_SOURCE_TARGET_REVISION.
//
// A render builds one from its Request and expands it wherever Argo CD
// does: Helm parameter values, value file and file parameter paths,
// Kustomize images and common labels (common annotations with
// commonAnnotationsEnvsubst), and Jsonnet extVars and tlas. KUBE_VERSION
// and KUBE_API_VERSIONS are not part of it: Argo CD sets them for config
// management plugins only.
type BuildEnv struct {
	vars map[string]string
	used *usedVars // records the names expanded, for the render cache; may be nil
}

// NewBuildEnv returns the build environment of a request.
func NewBuildEnv(req Request) *BuildEnv {
	project := req.Project
	if project == "" {
		project = "default"
	}
	e := &BuildEnv{used: req.used, vars: map[string]string{
		"ARGOCD_APP_NAME":                   req.AppName,
		"ARGOCD_APP_NAMESPACE":              req.Namespace,
		"ARGOCD_APP_PROJECT_NAME":           project,
		"ARGOCD_APP_SOURCE_REPO_URL":        req.Source.RepoURL,
		"ARGOCD_APP_SOURCE_PATH":            req.Source.Path,
		"ARGOCD_APP_SOURCE_TARGET_REVISION": req.Source.TargetRevision,
	}}
	e.setRevision(req.Revision)
	return e
}

func (e *BuildEnv) setRevision(rev string) {
	e.vars["ARGOCD_APP_REVISION"] = rev
	e.vars["ARGOCD_APP_REVISION_SHORT"] = shorten(rev, 7)
	e.vars["ARGOCD_APP_REVISION_SHORT_8"] = shorten(rev, 8)
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// withRevision is the environment with the revision known only once the
// source is fetched (a chart version matching a constraint).
func (e *BuildEnv) withRevision(rev string) *BuildEnv {
	out := &BuildEnv{used: e.used, vars: make(map[string]string, len(e.vars))}
	for k, v := range e.vars {
		out.vars[k] = v
	}
	out.setRevision(rev)
	return out
}

// Expand replaces $NAME and ${NAME} with the variable's value, an unknown
// variable with nothing, and $$ with $, as Argo CD does (os.Expand's syntax).
func (e *BuildEnv) Expand(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return os.Expand(s, func(name string) string {
		if name == "$" {
			return "$"
		}
		e.used.add(name)
		return e.vars[name]
	})
}

// expandValues expands every value of a map.
func (e *BuildEnv) expandValues(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = e.Expand(v)
	}
	return out
}

// value is one variable ("" when unknown, as Expand makes it).
func (e *BuildEnv) value(name string) string { return e.vars[name] }

// key is every variable, for cache keys.
func (e *BuildEnv) key() string {
	names := make([]string, 0, len(e.vars))
	for name := range e.vars {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name + "=" + e.vars[name] + "\x00")
	}
	return b.String()
}

// usedVars records the variable names a render expanded, so that the cache
// keys the render by their values only: a new commit changes
// ARGOCD_APP_REVISION, which matters only to a source that uses it.
type usedVars struct {
	mu    sync.Mutex
	names map[string]bool
}

func newUsedVars() *usedVars { return &usedVars{names: map[string]bool{}} }

func (u *usedVars) add(name string) {
	if u == nil {
		return
	}
	u.mu.Lock()
	u.names[name] = true
	u.mu.Unlock()
}

func (u *usedVars) sorted() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]string, 0, len(u.names))
	for name := range u.names {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
