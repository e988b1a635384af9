package project

import (
	"path"
	"strings"

	"github.com/gobwas/glob"
)

// negated splits a "!"-prefixed deny pattern into its glob and true.
func negated(pattern string) (string, bool) {
	if rest, ok := strings.CutPrefix(pattern, "!"); ok {
		return rest, true
	}
	return pattern, false
}

// globHit reports whether value matches the gobwas glob pattern, where
// separators keep "*" within one segment and "**" crosses them. A lone "*"
// matches anything, separators included, as Argo CD has it. A pattern that
// does not compile reports deny: it matches when it is a deny pattern, so a
// broken deny still denies, and never when it is an allow.
func globHit(pattern string, deny bool, value string, separators ...rune) bool {
	if pattern == "*" {
		return true
	}
	g, err := glob.Compile(pattern, separators...)
	if err != nil {
		return deny
	}
	return g.Match(value)
}

// pathHit matches with path.Match, which Argo CD uses (as filepath.Match)
// for the group, kind and name of resource lists; a bad pattern reports deny
// as globHit does.
func pathHit(pattern string, deny bool, value string) bool {
	ok, err := path.Match(pattern, value)
	if err != nil {
		return deny
	}
	return ok
}
