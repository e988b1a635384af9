package webhook

import (
	"strings"

	"github.com/Masterminds/semver/v3"
)

// RevisionMatches tells whether a targetRevision (of a source or a git
// generator) resolves to ref, as Argo CD's sourceRevisionHasChanged:
// HEAD or empty is the default branch (when the payload does not name it,
// main and master are taken as default), refs/heads/ and refs/tags/
// names match that branch or tag only, a bare name matches a branch or
// tag of that name, and a semver constraint matches a tag whose version
// satisfies it.
func RevisionMatches(target string, ref Ref, defaultBranch string) bool {
	switch {
	case target == "" || target == "HEAD":
		if ref.Tag {
			return false
		}
		if defaultBranch != "" {
			return ref.Name == defaultBranch
		}
		return ref.Name == "main" || ref.Name == "master"
	case strings.HasPrefix(target, "refs/heads/") || strings.HasPrefix(target, "refs/tags/"):
		return ParseRef(target) == ref
	case target == ref.Name:
		return true
	}
	if !ref.Tag {
		return false
	}
	c, err := semver.NewConstraint(target)
	if err != nil {
		return false
	}
	v, err := semver.NewVersion(ref.Name)
	return err == nil && c.Check(v)
}

// anyRevisionMatches tells whether target resolves to one of the push's refs.
func anyRevisionMatches(target string, p *Push) bool {
	for _, r := range p.Refs {
		if RevisionMatches(target, r, p.DefaultBranch) {
			return true
		}
	}
	return false
}
