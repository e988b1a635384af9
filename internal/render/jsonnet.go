package render

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/google/go-jsonnet"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// evalJsonnet evaluates a Jsonnet file with the source's external variables,
// top-level arguments and library paths; imports read from the repository.
func evalJsonnet(ctx context.Context, req Request, file string, data []byte) ([]*unstructured.Unstructured, error) {
	vm := jsonnet.MakeVM()
	var libs []string
	if d := req.Source.Directory; d != nil {
		for _, v := range d.Jsonnet.ExtVars {
			if v.Code {
				vm.ExtCode(v.Name, v.Value)
			} else {
				vm.ExtVar(v.Name, v.Value)
			}
		}
		for _, v := range d.Jsonnet.TLAs {
			if v.Code {
				vm.TLACode(v.Name, v.Value)
			} else {
				vm.TLAVar(v.Name, v.Value)
			}
		}
		for _, l := range d.Jsonnet.Libs {
			clean, err := cleanRepoPath(l)
			if err != nil {
				return nil, fmt.Errorf("jsonnet lib: %w", err)
			}
			libs = append(libs, clean)
		}
	}
	vm.Importer(&fsImporter{fsys: req.Repo, libs: libs, limit: req.Limits.MaxFileSize})
	out, err := withDeadline(ctx, func() (string, error) { return vm.EvaluateAnonymousSnippet(file, string(data)) })
	if err != nil {
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

// fsImporter resolves Jsonnet imports relative to the importing file, then
// along the library paths, all inside the repository.
type fsImporter struct {
	fsys  fs.FS
	libs  []string
	limit int64
	cache map[string]jsonnet.Contents
}

func (i *fsImporter) Import(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	if i.cache == nil {
		i.cache = map[string]jsonnet.Contents{}
	}
	candidates := []string{path.Join(path.Dir(importedFrom), importedPath)}
	for _, l := range i.libs {
		candidates = append(candidates, path.Join(l, importedPath))
	}
	for _, c := range candidates {
		clean, err := cleanRepoPath(c)
		if err != nil {
			return jsonnet.Contents{}, "", err
		}
		if got, ok := i.cache[clean]; ok {
			return got, clean, nil
		}
		data, err := readLimited(i.fsys, clean, i.limit)
		if err != nil {
			continue
		}
		contents := jsonnet.MakeContents(string(data))
		i.cache[clean] = contents
		return contents, clean, nil
	}
	return jsonnet.Contents{}, "", fmt.Errorf("import %q: not found", importedPath)
}
