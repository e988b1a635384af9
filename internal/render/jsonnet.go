package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/google/go-jsonnet"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// evalJsonnet evaluates the Jsonnet file at file (data is its content) in
// the directory app dir, with the source's external variables and
// top-level arguments (build variables expanded, code too, as Argo CD
// does) and library paths; imports read from the repository.
func evalJsonnet(ctx context.Context, req Request, env *BuildEnv, dir, file string, data []byte) ([]*unstructured.Unstructured, error) {
	vm := jsonnet.MakeVM()
	var libs []string
	if d := req.Source.Directory; d != nil {
		for _, v := range d.Jsonnet.ExtVars {
			if v.Code {
				vm.ExtCode(v.Name, env.Expand(v.Value))
			} else {
				vm.ExtVar(v.Name, env.Expand(v.Value))
			}
		}
		for _, v := range d.Jsonnet.TLAs {
			if v.Code {
				vm.TLACode(v.Name, env.Expand(v.Value))
			} else {
				vm.TLAVar(v.Name, env.Expand(v.Value))
			}
		}
		for _, l := range d.Jsonnet.Libs {
			clean, err := rootedRepoPath(l)
			if err != nil {
				return nil, fmt.Errorf("jsonnet lib %q: %w", l, err)
			}
			libs = append(libs, clean)
		}
	}
	imp := newFSImporter(req.Repo, dir, libs, req.Limits.MaxFileSize, file, data)
	vm.Importer(imp)
	// EvaluateFile, not a snippet: the file then has a name that its own
	// imports resolve against.
	out, err := withDeadline(ctx, func() (string, error) { return vm.EvaluateFile(file) })
	if err != nil {
		if imp.failed != nil {
			// go-jsonnet keeps only the text of an import error.
			err = &causedError{msg: err.Error(), cause: imp.failed}
		}
		return nil, fmt.Errorf("evaluate jsonnet: %w", err)
	}
	objs, err := objectsFromJSON([]byte(out))
	if err != nil {
		var nested [][]json.RawMessage
		if json.Unmarshal([]byte(out), &nested) == nil {
			return nil, fmt.Errorf("jsonnet output: nested arrays are not manifests")
		}
		return nil, fmt.Errorf("jsonnet output: %w", err)
	}
	return objs, nil
}

// fsImporter resolves import, importstr and importbin as the jsonnet tool
// does with Argo CD's search path: first relative to the importing file's
// directory, then along the library paths, the last one first, then the
// application directory. Everything stays inside the repository.
type fsImporter struct {
	fsys   fs.FS
	entry  string   // the evaluated file, which go-jsonnet imports from ""
	search []string // library paths in search order
	limit  int64
	cache  map[string]jsonnet.Contents
	failed error // the first import that failed
}

// newFSImporter returns the importer for evaluating entry (content data) in
// the application directory dir with the library paths libs (in the order
// the source lists them).
func newFSImporter(fsys fs.FS, dir string, libs []string, limit int64, entry string, data []byte) *fsImporter {
	search := make([]string, 0, len(libs)+1)
	for i := len(libs) - 1; i >= 0; i-- {
		search = append(search, libs[i])
	}
	search = append(search, dir)
	return &fsImporter{fsys: fsys, entry: entry, search: search, limit: limit,
		cache: map[string]jsonnet.Contents{entry: jsonnet.MakeContentsRaw(data)}}
}

// Import implements jsonnet.Importer. importedFrom is the importing file
// ("" for the evaluated file and for code in extVars and tlas).
func (i *fsImporter) Import(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	contents, foundAt, err := i.find(importedFrom, importedPath)
	if err != nil && i.failed == nil {
		i.failed = err
	}
	return contents, foundAt, err
}

func (i *fsImporter) find(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	if importedFrom == "" && importedPath == i.entry {
		return i.cache[i.entry], i.entry, nil
	}
	if path.IsAbs(importedPath) {
		return jsonnet.Contents{}, "", fmt.Errorf("import %q: %w (absolute)", importedPath, ErrEscapes)
	}
	dirs := i.search
	if importedFrom != "" {
		dirs = append([]string{path.Dir(importedFrom)}, dirs...)
	}
	var escaped error
	var searched []string
	seen := map[string]bool{}
	for _, dir := range dirs {
		clean, err := cleanRepoPath(path.Join(dir, importedPath))
		if err != nil {
			// Another search path may still hold it inside the repository.
			if escaped == nil {
				escaped = err
			}
			continue
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		searched = append(searched, dir)
		if got, ok := i.cache[clean]; ok {
			return got, clean, nil
		}
		data, err := readLimited(i.fsys, clean, i.limit)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return jsonnet.Contents{}, "", fmt.Errorf("import %q: %s: %w", importedPath, clean, err)
		}
		contents := jsonnet.MakeContentsRaw(data)
		i.cache[clean] = contents
		return contents, clean, nil
	}
	if escaped != nil {
		return jsonnet.Contents{}, "", fmt.Errorf("import %q: %w", importedPath, escaped)
	}
	return jsonnet.Contents{}, "", fmt.Errorf("import %q: %w in %s", importedPath, errNotFound, strings.Join(searched, ", "))
}

// causedError is an error message with the cause it came from, for
// errors.Is, when a library reports the cause as text only.
type causedError struct {
	msg   string
	cause error
}

func (e *causedError) Error() string { return e.msg }
func (e *causedError) Unwrap() error { return e.cause }
