package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// WorktreeEditOptions say which file EditWorktree changes in a local clone.
type WorktreeEditOptions struct {
	// Dir is the clone's work tree (or a directory in it).
	Dir string
	// Branch is the branch committed to: "" is the branch checked out; a
	// branch not checked out is checked out first (created at HEAD when
	// it does not exist), keeping the work tree's changes.
	Branch string
	// Path is the file's path from the work tree's root.
	Path string
	// Change makes the file's new content.
	Change Change
	// Author signs the commit as author and committer.
	Author Author
	// Message is the commit message.
	Message string
	// Push pushes the branch to the remote origin after the commit.
	Push bool
	// Credentials push to origin.
	Credentials Credentials
	// Timeout bounds the push (default 90s).
	Timeout time.Duration
	// Now stamps the commit (default time.Now).
	Now func() time.Time
}

// EditWorktree changes one file of a local clone and commits it on the
// branch, then pushes the branch to origin when asked. Other changes in the
// work tree are left alone; other staged changes are an error, since the
// commit would take them along. Errors name the directory, branch and file.
func EditWorktree(ctx context.Context, o WorktreeEditOptions) (*EditResult, error) {
	if o.Timeout <= 0 {
		o.Timeout = 90 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	res, err := editWorktree(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("edit %s in %s: %w", o.Path, o.Dir, err)
	}
	return res, nil
}

func editWorktree(ctx context.Context, o WorktreeEditOptions) (*EditResult, error) {
	paths, err := cleanPaths([]string{o.Path})
	if err != nil || paths[0] == "" {
		return nil, fmt.Errorf("path %q is not a file path", o.Path)
	}
	file := paths[0]
	if o.Author.Name == "" || o.Author.Email == "" {
		return nil, errors.New("no author name and email")
	}
	repo, err := gogit.PlainOpenWithOptions(o.Dir, &gogit.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("work tree: %w", err)
	}
	branch, err := checkoutBranch(repo, wt, strings.TrimPrefix(o.Branch, "refs/heads/"))
	if err != nil {
		return nil, err
	}
	res := &EditResult{Branch: branch}
	if head, err := repo.Head(); err == nil {
		res.Parent = head.Hash().String()
	}
	full := filepath.Join(wt.Filesystem.Root(), filepath.FromSlash(file))
	old, err := os.ReadFile(full)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrFileNotFound
	}
	if err != nil {
		return nil, err
	}
	next, err := o.Change(old)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(old, next) {
		res.UpToDate = true
		return res, nil
	}
	if err := otherStaged(wt, file); err != nil {
		return nil, err
	}
	info, err := os.Stat(full)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(full, next, info.Mode().Perm()); err != nil {
		return nil, err
	}
	if _, err := wt.Add(file); err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	sig := &object.Signature{Name: o.Author.Name, Email: o.Author.Email, When: o.Now()}
	msg := o.Message
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	h, err := wt.Commit(msg, &gogit.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	res.Commit, res.Attempts = h.String(), 0
	if !o.Push {
		return res, nil
	}
	res.Attempts = 1
	if err := pushOrigin(ctx, repo, branch, o); err != nil {
		return res, err
	}
	return res, nil
}

// checkoutBranch returns the branch to commit on, checking it out when it
// is not the current one.
func checkoutBranch(repo *gogit.Repository, wt *gogit.Worktree, branch string) (string, error) {
	head, err := repo.Head()
	if err != nil {
		return "", fmt.Errorf("head: %w", err)
	}
	if branch == "" {
		if !head.Name().IsBranch() {
			return "", errors.New("HEAD is detached: name the branch to commit on")
		}
		return head.Name().Short(), nil
	}
	ref := plumbing.NewBranchReferenceName(branch)
	if head.Name() == ref {
		return branch, nil
	}
	_, err = repo.Reference(ref, false)
	create := errors.Is(err, plumbing.ErrReferenceNotFound)
	if err != nil && !create {
		return "", fmt.Errorf("branch %s: %w", branch, err)
	}
	if err := wt.Checkout(&gogit.CheckoutOptions{Branch: ref, Create: create, Keep: true}); err != nil {
		return "", fmt.Errorf("check out branch %s: %w", branch, err)
	}
	return branch, nil
}

// otherStaged fails when files other than file are staged.
func otherStaged(wt *gogit.Worktree, file string) error {
	st, err := wt.Status()
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	var other []string
	for name, s := range st {
		if name != file && s.Staging != gogit.Unmodified && s.Staging != gogit.Untracked {
			other = append(other, name)
		}
	}
	if len(other) > 0 {
		sort.Strings(other)
		return fmt.Errorf("other changes are staged (%s): commit or unstage them first", strings.Join(other, ", "))
	}
	return nil
}

// pushOrigin pushes the branch to the remote origin.
func pushOrigin(ctx context.Context, repo *gogit.Repository, branch string, o WorktreeEditOptions) error {
	remote, err := repo.Remote("origin")
	if err != nil {
		return fmt.Errorf("push: remote origin: %w", err)
	}
	url := remote.Config().URLs[0]
	auth, err := o.Credentials.auth(url)
	if err != nil {
		return fmt.Errorf("push: credentials: %w", err)
	}
	cert, key, err := o.Credentials.tlsOptions()
	if err != nil {
		return fmt.Errorf("push: credentials: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	ref := plumbing.NewBranchReferenceName(branch)
	err = repo.PushContext(pctx, &gogit.PushOptions{
		RemoteName: "origin", Auth: auth, InsecureSkipTLS: o.Credentials.Insecure, ClientCert: cert, ClientKey: key,
		RefSpecs: []config.RefSpec{config.RefSpec(ref + ":" + ref)},
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return fmt.Errorf("push to %s: %w", RedactURL(url), err)
	}
	return nil
}
