// Package gitrepo makes and changes the local Git repositories the
// benchmarks' apps read (file:// URLs), with the git command.
package gitrepo

import (
	"fmt"
	"os/exec"
	"strings"
)

// Init makes dir a repository on branch main and commits every file in it;
// it returns the commit's SHA.
func Init(dir, msg string) (string, error) {
	if _, err := Git(dir, "init", "-q", "-b", "main"); err != nil {
		return "", err
	}
	return Commit(dir, msg)
}

// Commit commits every change in dir and returns the commit's SHA.
func Commit(dir, msg string) (string, error) {
	if _, err := Git(dir, "add", "-A"); err != nil {
		return "", err
	}
	if _, err := Git(dir, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", msg); err != nil {
		return "", err
	}
	return Git(dir, "rev-parse", "HEAD")
}

// Git runs git in dir and returns its trimmed output.
func Git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
