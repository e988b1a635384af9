package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	if _, err := git(dir, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	_, err := commit(dir, "apps")
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
	return commit(dir, "change "+name)
}

// commit commits every change in dir and returns the commit's SHA.
func commit(dir, msg string) (string, error) {
	if _, err := git(dir, "add", "-A"); err != nil {
		return "", err
	}
	if _, err := git(dir, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", msg); err != nil {
		return "", err
	}
	return git(dir, "rev-parse", "HEAD")
}

// git runs git in dir and returns its trimmed output.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
