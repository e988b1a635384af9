package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// renderDirectory reads the manifests of a plain directory: YAML and JSON
// files, and Jsonnet files evaluated with the source's options.
func renderDirectory(ctx context.Context, req Request, env *BuildEnv, dir string) ([]*unstructured.Unstructured, error) {
	opts := req.Source.Directory
	if opts == nil {
		opts = &v1alpha1.ApplicationSourceDirectory{}
	}
	var include, exclude *regexp.Regexp
	var err error
	if opts.Include != "" {
		if include, err = compileGlob(opts.Include); err != nil {
			return nil, fmt.Errorf("directory include: %w", err)
		}
	}
	if opts.Exclude != "" {
		if exclude, err = compileGlob(opts.Exclude); err != nil {
			return nil, fmt.Errorf("directory exclude: %w", err)
		}
	}
	var objs []*unstructured.Unstructured
	err = fs.WalkDir(req.Repo, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{App: req.AppName, File: p, Err: err}
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if d.IsDir() {
			if p != dir && (!opts.Recurse || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			skip, err := skipSymlink(req.Repo, p)
			if err != nil {
				return &Error{App: req.AppName, File: p, Err: fmt.Errorf("symlink in application path %q: %w", dir, err)}
			}
			if skip {
				return nil
			}
		}
		rel := pathBelow(dir, p)
		ext := strings.ToLower(path.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" && ext != ".jsonnet" {
			return nil
		}
		if include != nil && !include.MatchString(rel) {
			return nil
		}
		if exclude != nil && exclude.MatchString(rel) {
			return nil
		}
		got, err := readManifestFile(ctx, req, env, dir, p, ext)
		if err != nil {
			return &Error{App: req.AppName, File: p, Err: err}
		}
		objs = append(objs, got...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return objs, nil
}

// skipSymlink tells whether a directory app skips the symlink at p, as
// Argo CD does: a link to a directory is not followed (Argo CD walks with
// filepath.Walk, recurse or not) and a dangling link is skipped; a link to
// a file is read as the file. A link that leaves the repository is an error
// wherever it is, as Argo CD refuses such a repository.
func skipSymlink(fsys fs.FS, p string) (bool, error) {
	info, err := fs.Stat(fsys, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		return false, err
	}
	return !info.Mode().IsRegular(), nil
}

func readManifestFile(ctx context.Context, req Request, env *BuildEnv, dir, p, ext string) ([]*unstructured.Unstructured, error) {
	data, err := readLimited(req.Repo, p, req.Limits.MaxFileSize)
	if err != nil {
		return nil, err
	}
	switch ext {
	case ".jsonnet":
		return evalJsonnet(ctx, req, env, dir, p, data)
	case ".json":
		objs, err := objectsFromJSON(data)
		if err != nil {
			return nil, fmt.Errorf("parse JSON: %w", err)
		}
		return objs, nil
	}
	objs, err := ParseManifests(data)
	if err != nil {
		// A YAML file that is not a manifest (values, configuration) is
		// skipped, unless it holds some objects or looks like one.
		if len(objs) > 0 || looksLikeManifest(data) {
			return nil, fmt.Errorf("parse YAML: %w", err)
		}
		return nil, nil
	}
	return objs, nil
}

// readLimited reads a file, refusing one larger than limit.
func readLimited(fsys fs.FS, p string, limit int64) ([]byte, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, over the limit of %d", info.Size(), limit)
	}
	return fs.ReadFile(fsys, p)
}
