package localcluster

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// ownStages are kwok Stages of Tiphys: they play the controllers a real
// cluster has and a bare control plane lacks, so that Argo's health checks
// see Ingresses and LoadBalancer Services become ready.
//
//go:embed stages/*.yaml
var ownStages embed.FS

// kwokStageFiles returns the Stage documents kwok runs with: kwok's own node
// and pod lifecycles, shipped beside the kwok binary in kwok-stages/, and ours,
// written into the state directory.
func kwokStageFiles(o Options) ([]string, error) {
	shipped, err := filepath.Glob(filepath.Join(o.BinDir, "kwok-stages", "*.yaml"))
	if err != nil || len(shipped) == 0 {
		return nil, fmt.Errorf("no kwok stages in %s (run make tools)", filepath.Join(o.BinDir, "kwok-stages"))
	}
	sort.Strings(shipped)
	dir := filepath.Join(o.Dir, "stages")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create stages directory: %w", err)
	}
	entries, err := ownStages.ReadDir("stages")
	if err != nil {
		return nil, fmt.Errorf("read embedded stages: %w", err)
	}
	files := shipped
	for _, e := range entries {
		b, err := ownStages.ReadFile("stages/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read embedded stage %s: %w", e.Name(), err)
		}
		path := filepath.Join(dir, e.Name())
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("write stage %s: %w", path, err)
		}
		files = append(files, path)
	}
	return files, nil
}
