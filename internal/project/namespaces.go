package project

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// CheckAppNamespace returns a *Violation of sourceNamespaces unless an
// Application in appNamespace may belong to the project. The controller's
// own namespace always may ("" stands for it, as for an Application not yet
// created); any other must match an entry of sourceNamespaces: a glob, or a
// regular expression between slashes ("/^team-[a-z]+$/") that, as in Argo
// CD, matches anywhere in the name unless anchored. Regular expressions are
// Go's (RE2), where Argo CD's are .NET-style: look-arounds do not compile
// here, and an entry that does not compile matches nothing.
func CheckAppNamespace(p *v1alpha1.AppProject, appNamespace, controllerNamespace string) error {
	if appNamespace == "" || appNamespace == controllerNamespace {
		return nil
	}
	for _, pattern := range p.Spec.SourceNamespaces {
		if namespaceHit(pattern, appNamespace) {
			return nil
		}
	}
	reason := "matches no entry of sourceNamespaces"
	if len(p.Spec.SourceNamespaces) == 0 {
		reason = fmt.Sprintf("is not the controller's namespace %q, and sourceNamespaces is empty", controllerNamespace)
	}
	return violation(p.Name, RuleSourceNamespaces, fmt.Sprintf("application namespace %q", appNamespace), reason)
}

func namespaceHit(pattern, ns string) bool {
	if len(pattern) > 1 && strings.HasPrefix(pattern, "/") && strings.HasSuffix(pattern, "/") {
		re, err := regexp.Compile(pattern[1 : len(pattern)-1])
		if err == nil && re.MatchString(ns) {
			return true
		}
	}
	return globHit(pattern, false, ns)
}
