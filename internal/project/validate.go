package project

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/gobwas/glob"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Validate checks that every pattern and sync window of a project parses:
// the sourceRepos and destinations globs, the group, kind and name
// patterns of the resource lists, sourceNamespaces and the windows
// (ValidateWindows). The error names each field that does not, by index;
// nil when all do. The controller reads a project that does not validate
// as Argo CD would (a broken deny still denies); `tiphys proj create`
// refuses it.
func Validate(p *v1alpha1.AppProject) error {
	var errs []error
	check := func(field, pattern string, compile func(string) error) {
		g, _ := negated(strings.TrimSpace(pattern))
		if err := compile(g); err != nil {
			errs = append(errs, fmt.Errorf("%s: pattern %q does not parse: %w", field, pattern, err))
		}
	}
	globs := func(seps ...rune) func(string) error {
		return func(g string) error {
			if g == "*" {
				return nil
			}
			_, err := glob.Compile(g, seps...)
			return err
		}
	}
	paths := func(g string) error {
		_, err := path.Match(g, "")
		return err
	}
	for i, r := range p.Spec.SourceRepos {
		check(fmt.Sprintf("sourceRepos[%d]", i), NormalizeRepoURL(r), globs('/'))
	}
	for i, d := range p.Spec.Destinations {
		for field, v := range map[string]string{"server": d.Server, "name": d.Name, "namespace": d.Namespace} {
			if v != "" {
				check(fmt.Sprintf("destinations[%d].%s", i, field), v, globs())
			}
		}
	}
	lists := map[string][]v1alpha1.ClusterResourceRestrictionItem{
		"clusterResourceWhitelist": p.Spec.ClusterResourceWhitelist, "clusterResourceBlacklist": p.Spec.ClusterResourceBlacklist}
	for name, list := range lists {
		for i, item := range list {
			for field, v := range map[string]string{"group": item.Group, "kind": item.Kind, "name": item.Name} {
				check(fmt.Sprintf("%s[%d].%s", name, i, field), v, paths)
			}
		}
	}
	for name, list := range map[string][]metav1.GroupKind{"namespaceResourceWhitelist": p.Spec.NamespaceResourceWhitelist,
		"namespaceResourceBlacklist": p.Spec.NamespaceResourceBlacklist} {
		for i, gk := range list {
			check(fmt.Sprintf("%s[%d].group", name, i), gk.Group, paths)
			check(fmt.Sprintf("%s[%d].kind", name, i), gk.Kind, paths)
		}
	}
	for i, ns := range p.Spec.SourceNamespaces {
		if !strings.HasPrefix(ns, "/") {
			check(fmt.Sprintf("sourceNamespaces[%d]", i), ns, globs())
		}
	}
	if err := ValidateWindows(p); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("project %q: %w", p.Name, errors.Join(errs...))
}

// brokenDeny is the reason of a violation by a deny pattern that does not
// parse: it denies everything, and says so.
func brokenDeny(pattern string, seps ...rune) (string, bool) {
	g, deny := negated(strings.TrimSpace(pattern))
	if !deny || g == "*" {
		return "", false
	}
	if _, err := glob.Compile(g, seps...); err == nil {
		return "", false
	}
	return fmt.Sprintf("the deny pattern %q does not parse, so it denies everything (fix the project)", pattern), true
}
