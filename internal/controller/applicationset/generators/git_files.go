package generators

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"

	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// gitFiles is the git generator's files mode (Argo CD's Generators-Git.md,
// "Git Generator: Files"): every file an include glob matches and no
// exclude glob does, in lexical order, is parsed as YAML or JSON. An
// object yields one set; a list of objects one set per item.
//
// In the default language the object is flattened ("cluster.address",
// "tags.0") with every leaf as Go's %v prints it, as Argo CD does: YAML
// numbers are float64, so 3 is "3" but 1000000 is "1e+06" (quote a
// number to keep its digits). With goTemplate the object is yielded as
// it is. Both add the path parameters of the file's directory (see
// setPathParams), with path.filename and path.filenameNormalized; the
// path parameters replace a "path" key of the file. Then values.
//
// Globs: "*" stays within one path segment and "**" crosses segments,
// unless the ApplicationSet has the annotation tiphys.io/git-files-glob:
// argocd, which matches as Argo CD's default (see pathspec).
func gitFiles(ctx context.Context, gg *v1alpha1.GitGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	argocd, err := switchOn(set, AnnotationGitFilesGlob, GitFilesGlobArgoCD)
	if err != nil {
		return nil, err
	}
	var include, exclude []fileGlob
	for _, f := range gg.Files {
		g, err := newFileGlob(f.Path, argocd)
		if err != nil {
			return nil, fmt.Errorf("repository %s: files path: %w", gg.RepoURL, err)
		}
		if f.Exclude {
			exclude = append(exclude, g)
		} else {
			include = append(include, g)
		}
	}
	tree, err := openRepo(ctx, gg, env)
	if err != nil {
		return nil, err
	}
	all, err := treeFiles(tree)
	if err != nil {
		return nil, fmt.Errorf("repository %s at revision %q: list files: %w", gg.RepoURL, gg.Revision, err)
	}
	o := optionsOf(set)
	out := []Params{}
	for _, name := range all {
		if !anyMatch(include, name) || anyMatch(exclude, name) {
			continue
		}
		sets, err := fileParams(tree, name, gg, o)
		if err != nil {
			return nil, fmt.Errorf("repository %s at revision %q: file %s: %w", gg.RepoURL, gg.Revision, name, err)
		}
		out = append(out, sets...)
	}
	return out, nil
}

func anyMatch(globs []fileGlob, name string) bool {
	for _, g := range globs {
		if g.match(name) {
			return true
		}
	}
	return false
}

// fileParams are the parameter sets of one file.
func fileParams(tree fs.FS, name string, gg *v1alpha1.GitGenerator, o template.Options) ([]Params, error) {
	data, err := fs.ReadFile(tree, name)
	if err != nil {
		return nil, err
	}
	objects, err := parseObjects(data)
	if err != nil {
		return nil, err
	}
	dir, file := path.Dir(name), path.Base(name)
	out := make([]Params, 0, len(objects))
	for i, obj := range objects {
		var p Params
		if o.GoTemplate {
			p = maps.Clone(obj)
			if p == nil {
				p = Params{}
			}
		} else {
			p = flattenObject(obj)
		}
		setPathParams(p, gg.PathParamPrefix, dir, file, o.GoTemplate)
		if err := appendValues(gg.Values, p, o); err != nil {
			if len(objects) > 1 {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// parseObjects reads a YAML or JSON file as one object (an empty file is
// an empty object) or a list of objects.
func parseObjects(data []byte) ([]map[string]any, error) {
	var obj map[string]any
	if err := yaml.Unmarshal(data, &obj); err == nil {
		if obj == nil {
			obj = map[string]any{}
		}
		return []map[string]any{obj}, nil
	}
	var list []map[string]any
	if err := yaml.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("not a YAML or JSON object or list of objects: %w", err)
	}
	return list, nil
}
