package generators

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// fileGlob matches the files generator's path globs against file paths
// relative to the repository root.
type fileGlob interface {
	match(name string) bool
}

// newFileGlob compiles a files glob: segment globs by default, git
// pathspecs as Argo CD's default with argocd set.
func newFileGlob(pattern string, argocd bool) (fileGlob, error) {
	if argocd {
		return newPathspec(pattern)
	}
	return newSegmentGlob(pattern)
}

// segmentGlob is a glob in which "*", "?" and "[...]" match within one
// path segment (path.Match) and a "**" segment matches any number of
// segments, none included, as the doublestar globbing Argo CD offers
// behind --enable-new-git-file-globbing.
type segmentGlob []string

func newSegmentGlob(pattern string) (segmentGlob, error) {
	segs := strings.Split(strings.Trim(pattern, "/"), "/")
	for _, s := range segs {
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("glob %q: %w", pattern, err)
		}
	}
	return segs, nil
}

func (g segmentGlob) match(name string) bool {
	return matchSegments(g, strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// pathspec matches as `git ls-files -- <pattern>`, which Argo CD runs by
// default: a pattern without wildcards matches the path itself and every
// file under it; with wildcards, "*" and "?" also match "/", so
// "apps/*/config.json" matches "apps/a/b/config.json".
type pathspec struct {
	literal string
	re      *regexp.Regexp
}

func newPathspec(pattern string) (*pathspec, error) {
	pattern = strings.TrimPrefix(pattern, "./")
	if !strings.ContainsAny(pattern, `*?[\`) {
		return &pathspec{literal: strings.TrimSuffix(pattern, "/")}, nil
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			}
		case '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end < 0 {
				return nil, fmt.Errorf("glob %q: unterminated [", pattern)
			}
			class := pattern[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("glob %q: %w", pattern, err)
	}
	return &pathspec{re: re}, nil
}

func (p *pathspec) match(name string) bool {
	if p.re == nil {
		return p.literal == "" || p.literal == "." || name == p.literal || strings.HasPrefix(name, p.literal+"/")
	}
	return p.re.MatchString(name)
}
