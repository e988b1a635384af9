package generators

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("git", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.Git != nil }, gitGenerator{})
}

// gitGenerator yields parameter sets from a Git repository at a revision
// (Argo CD's Generators-Git.md): one per directory that its directories
// globs match (this file), or one per file (or list item of a file) that
// its files globs match (git_files.go). directories wins when both are
// set, as in Argo CD.
//
// Directories are every directory of the tree but the root and hidden
// ones (a name starting with "."), in lexical order; a directory is kept
// when an include glob matches it and no exclude glob does, whatever
// their order. Globs are path.Match patterns: "*" stays within a path
// segment. Each set has the path parameters (see pathParams) and values.
type gitGenerator struct{}

func (gitGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	gg := g.Git
	switch {
	case len(gg.Directories) > 0:
		return gitDirectories(ctx, gg, set, env)
	case len(gg.Files) > 0:
		return gitFiles(ctx, gg, set, env)
	}
	return nil, fmt.Errorf("repository %s: neither directories nor files is set", gg.RepoURL)
}

// openRepo reads the generator's repository at its revision.
func openRepo(ctx context.Context, gg *v1alpha1.GitGenerator, env *Env) (fs.FS, error) {
	if env.Git == nil {
		return nil, fmt.Errorf("repository %s: %w", gg.RepoURL, ErrNotConfigured)
	}
	tree, _, err := env.Git(ctx, gg.RepoURL, gg.Revision)
	if err != nil {
		return nil, fmt.Errorf("repository %s at revision %q: %w", gg.RepoURL, gg.Revision, err)
	}
	return tree, nil
}

func gitDirectories(ctx context.Context, gg *v1alpha1.GitGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	for _, d := range gg.Directories {
		if _, err := path.Match(d.Path, ""); err != nil {
			return nil, fmt.Errorf("repository %s: directories path %q: %w", gg.RepoURL, d.Path, err)
		}
	}
	tree, err := openRepo(ctx, gg, env)
	if err != nil {
		return nil, err
	}
	var dirs []string
	err = fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case !d.IsDir() || p == ".":
			return nil
		case strings.HasPrefix(d.Name(), "."):
			return fs.SkipDir
		}
		dirs = append(dirs, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("repository %s at revision %q: list directories: %w", gg.RepoURL, gg.Revision, err)
	}
	o := optionsOf(set)
	out := []Params{}
	for _, dir := range dirs {
		if !dirSelected(gg.Directories, dir) {
			continue
		}
		p := Params{}
		setPathParams(p, gg.PathParamPrefix, dir, "", o.GoTemplate)
		if err := appendValues(gg.Values, p, o); err != nil {
			return nil, fmt.Errorf("repository %s: directory %s: %w", gg.RepoURL, dir, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// dirSelected: an include matches and no exclude does.
func dirSelected(items []v1alpha1.GitDirectoryGeneratorItem, dir string) bool {
	included := false
	for _, it := range items {
		if ok, _ := path.Match(it.Path, dir); ok {
			if it.Exclude {
				return false
			}
			included = true
		}
	}
	return included
}

// setPathParams adds the path parameters of a directory (file empty) or
// of a file in dir. Default language: <prefix.>path, path.basename,
// path.basenameNormalized, path[n] for each non-empty segment, and for a
// file path.filename and path.filenameNormalized. Go templates: the same
// under a nested path map (under {prefix: {path: ...}} with a prefix),
// with path.segments instead of path[n].
func setPathParams(p Params, prefix, dir, file string, goTemplate bool) {
	base := path.Base(dir)
	if goTemplate {
		segments := []any{}
		for _, s := range strings.Split(dir, "/") {
			segments = append(segments, s)
		}
		m := map[string]any{
			"path":               dir,
			"basename":           base,
			"basenameNormalized": Normalize(base),
			"segments":           segments,
		}
		if file != "" {
			m["filename"] = file
			m["filenameNormalized"] = Normalize(file)
		}
		if prefix != "" {
			p[prefix] = map[string]any{"path": m}
		} else {
			p["path"] = m
		}
		return
	}
	name := "path"
	if prefix != "" {
		name = prefix + ".path"
	}
	p[name] = dir
	p[name+".basename"] = base
	p[name+".basenameNormalized"] = Normalize(base)
	if file != "" {
		p[name+".filename"] = file
		p[name+".filenameNormalized"] = Normalize(file)
	}
	for i, s := range strings.Split(dir, "/") {
		if s != "" {
			p[name+"["+strconv.Itoa(i)+"]"] = s
		}
	}
}

// treeFiles lists every file of a tree, hidden ones included (as git
// ls-files does), in lexical order.
func treeFiles(tree fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}
