package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiphys/tiphys/bench/internal/gitrepo"
)

// writeRepo makes a Git repository in dir with n directories apps/app-i,
// each holding one ConfigMap, committed on branch main.
func writeRepo(dir string, n int) error {
	for i := range n {
		name := fmt.Sprintf("app-%d", i)
		sub := filepath.Join(dir, "apps", name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("write repository: %w", err)
		}
		if err := os.WriteFile(filepath.Join(sub, "configmap.yaml"), []byte(configMap(name, "hello")), 0o644); err != nil {
			return fmt.Errorf("write repository: %w", err)
		}
	}
	_, err := gitrepo.Init(dir, "apps")
	return err
}

// configMap is the one object of an app.
func configMap(name, greeting string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  greeting: " + greeting + "\n"
}

// changeApp rewrites one app's ConfigMap and commits it; it returns the
// new commit's SHA.
func changeApp(dir, name string) (string, error) {
	file := filepath.Join(dir, "apps", name, "configmap.yaml")
	if err := os.WriteFile(file, []byte(configMap(name, "hello again")), 0o644); err != nil {
		return "", fmt.Errorf("change %s: %w", name, err)
	}
	return gitrepo.Commit(dir, "change "+name)
}
