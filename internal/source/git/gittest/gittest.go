// Package gittest makes real Git repositories for tests, with the git
// command line, and serves them over HTTP (git http-backend) and SSH.
package gittest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git"
)

// Repo is a non-bare repository with a work tree, for writing commits.
type Repo struct {
	t   testing.TB
	Dir string
}

// New creates a repository with branch main in a temporary directory.
func New(t testing.TB) *Repo {
	t.Helper()
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Git("init", "-q", "-b", "main")
	return r
}

// Open returns the existing repository in dir, bare or not, to run git in.
func Open(t testing.TB, dir string) *Repo { return &Repo{t: t, Dir: dir} }

// URL is the repository's file:// URL.
func (r *Repo) URL() string { return "file://" + r.Dir }

// Git runs git in the repository and returns its trimmed output.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// Write writes files (path → content) into the work tree.
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Symlink makes symbolic links (path → target) in the work tree.
func (r *Repo) Symlink(links map[string]string) {
	r.t.Helper()
	for name, target := range links {
		p := filepath.Join(r.Dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Commit writes files, commits everything and returns the commit SHA.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	r.Write(files)
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Tree clones the repository into a new Git cache, as the controller would,
// and returns its files at rev.
func (r *Repo) Tree(rev string) *git.TreeFS {
	r.t.Helper()
	cache, err := git.NewCache(git.CacheOptions{Dir: r.t.TempDir()})
	if err != nil {
		r.t.Fatal(err)
	}
	repo, err := cache.Repo(r.URL())
	if err != nil {
		r.t.Fatal(err)
	}
	sha, err := repo.Resolve(context.Background(), rev, git.Credentials{}, git.FetchOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	tree, err := repo.FS(sha)
	if err != nil {
		r.t.Fatal(err)
	}
	return tree
}

// CopyDir copies a directory tree (such as testdata/repo, or a checkout of
// another repository) into the work tree; a .git directory in it is left
// out (a directory, or a worktree's .git file), so a checkout's files are
// committed to this repository's own history.
func (r *Repo) CopyDir(src string) {
	r.t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(r.Dir, rel)
		if info.Name() == ".git" && p != src {
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil // a worktree's link to its repository
		}
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if info.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		r.t.Fatal(fmt.Errorf("copy %s: %w", src, err))
	}
}
