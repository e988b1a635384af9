package settings

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/health"
)

// ConfigMapName is the name of Argo CD's settings ConfigMap.
const ConfigMapName = "argocd-cm"

const (
	ignorePrefix       = "resource.customizations.ignoreDifferences."
	exclusionsKey      = "resource.exclusions"
	inclusionsKey      = "resource.inclusions"
	reconciliationKey  = "timeout.reconciliation"
	ignoreAllKindsName = "all"
	revertOnAbortKey   = "tiphys.revertOnAbort"
	gitAuthorKey       = "tiphys.gitAuthor"
)

// DefaultGitAuthor signs the commits Tiphys writes unless argocd-cm's
// tiphys.gitAuthor names another author.
var DefaultGitAuthor = GitAuthor{Name: "Tiphys", Email: "tiphys@localhost"}

// GitAuthor is the name and address commits are written with.
type GitAuthor struct {
	// Name is the author's name.
	Name string
	// Email is the author's address.
	Email string
}

// Settings are what the controller takes from argocd-cm.
type Settings struct {
	// Health holds the Lua health checks by group and kind.
	Health health.Overrides
	// IgnoreDifferences are the system-wide ignore rules, added to each
	// application's own.
	IgnoreDifferences []v1alpha1.ResourceIgnoreDifferences
	// Exclusions are resources the controller neither syncs nor prunes.
	Exclusions []FilteredResource
	// Inclusions, when set, are the only resources the controller manages.
	Inclusions []FilteredResource
	// Reconciliation is the resync period, when set (timeout.reconciliation).
	Reconciliation time.Duration
	// RevertOnAbort turns revert-on-abort on for every application
	// (tiphys.revertOnAbort: "true"); an application opts in alone with
	// the tiphys.io/revert-on-abort annotation.
	RevertOnAbort bool
	// GitAuthor signs the commits Tiphys writes (tiphys.gitAuthor, as
	// "Name <email>"); the zero value means DefaultGitAuthor.
	GitAuthor GitAuthor
}

// Author is the author of the commits Tiphys writes.
func (s *Settings) Author() GitAuthor {
	if s == nil || s.GitAuthor == (GitAuthor{}) {
		return DefaultGitAuthor
	}
	return s.GitAuthor
}

// parseGitAuthor reads "Name <email>".
func parseGitAuthor(v string) (GitAuthor, error) {
	name, rest, ok := strings.Cut(v, "<")
	email, tail, closed := strings.Cut(rest, ">")
	a := GitAuthor{Name: strings.TrimSpace(name), Email: strings.TrimSpace(email)}
	if !ok || !closed || strings.TrimSpace(tail) != "" || a.Name == "" || !strings.Contains(a.Email, "@") {
		return GitAuthor{}, fmt.Errorf("argocd-cm %s: %q is not \"Name <email>\"", gitAuthorKey, v)
	}
	return a, nil
}

// FilteredResource matches resources by API group, kind and cluster, each a
// list of glob patterns; an empty list matches everything.
type FilteredResource struct {
	APIGroups []string `json:"apiGroups,omitempty"`
	Kinds     []string `json:"kinds,omitempty"`
	Clusters  []string `json:"clusters,omitempty"`
}

// ignoreRule is the value of a resource.customizations.ignoreDifferences key.
type ignoreRule struct {
	JSONPointers          []string `json:"jsonPointers,omitempty"`
	JQPathExpressions     []string `json:"jqPathExpressions,omitempty"`
	ManagedFieldsManagers []string `json:"managedFieldsManagers,omitempty"`
}

// Parse reads argocd-cm data. A key that does not parse is reported in the
// error, named, and left out; the other keys still apply.
func Parse(data map[string]string) (*Settings, error) {
	s := &Settings{}
	var errs []error
	h, err := health.LuaOverrides(data)
	if err != nil {
		errs = append(errs, err)
	}
	s.Health = h

	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, ignorePrefix)
		if !ok {
			continue
		}
		var r ignoreRule
		if err := yaml.UnmarshalStrict([]byte(data[k]), &r); err != nil {
			errs = append(errs, fmt.Errorf("argocd-cm %s: %w", k, err))
			continue
		}
		group, kind := "*", "*"
		if name != ignoreAllKindsName {
			group, kind = splitGroupKind(name)
		}
		s.IgnoreDifferences = append(s.IgnoreDifferences, v1alpha1.ResourceIgnoreDifferences{Group: group, Kind: kind,
			JSONPointers: r.JSONPointers, JQPathExpressions: r.JQPathExpressions, ManagedFieldsManagers: r.ManagedFieldsManagers})
	}
	for key, dst := range map[string]*[]FilteredResource{exclusionsKey: &s.Exclusions, inclusionsKey: &s.Inclusions} {
		if v := data[key]; v != "" {
			if err := yaml.UnmarshalStrict([]byte(v), dst); err != nil {
				errs = append(errs, fmt.Errorf("argocd-cm %s: %w", key, err))
			}
		}
	}
	if v := data[reconciliationKey]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("argocd-cm %s: %w", reconciliationKey, err))
		}
		s.Reconciliation = d
	}
	if v := strings.TrimSpace(data[revertOnAbortKey]); v != "" {
		s.RevertOnAbort = v == "true"
		if v != "true" && v != "false" {
			errs = append(errs, fmt.Errorf("argocd-cm %s: %q is neither true nor false", revertOnAbortKey, v))
		}
	}
	if v := strings.TrimSpace(data[gitAuthorKey]); v != "" {
		a, err := parseGitAuthor(v)
		if err != nil {
			errs = append(errs, err)
		}
		s.GitAuthor = a
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return s, errors.Join(errs...)
}

// splitGroupKind reads <group>_<kind>, or <kind> for the core group.
func splitGroupKind(s string) (string, string) {
	if i := strings.LastIndex(s, "_"); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

// Managed reports whether the controller manages resources of a group and
// kind in a cluster (its server URL): not excluded, and included when
// inclusions are set.
func (s *Settings) Managed(group, kind, cluster string) bool {
	if s == nil {
		return true
	}
	for _, f := range s.Exclusions {
		if f.Match(group, kind, cluster) {
			return false
		}
	}
	if len(s.Inclusions) == 0 {
		return true
	}
	for _, f := range s.Inclusions {
		if f.Match(group, kind, cluster) {
			return true
		}
	}
	return false
}

// Match reports whether the filter matches a group, kind and cluster.
func (f FilteredResource) Match(group, kind, cluster string) bool {
	return anyGlob(f.APIGroups, group) && anyGlob(f.Kinds, kind) && anyGlob(f.Clusters, cluster)
}

func anyGlob(patterns []string, s string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		re := "^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, ".*"), `\?`, ".") + "$"
		if ok, _ := regexp.MatchString(re, s); ok {
			return true
		}
	}
	return false
}
