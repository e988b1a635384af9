package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrFileNotFound is an edited file that the branch does not have.
var ErrFileNotFound = errors.New("file not found")

// Change computes a file's new content from its current content; it may
// run again on a newer head when a push lost a race.
type Change func(content []byte) ([]byte, error)

// EditOptions say which file Edit changes, how, and where it commits.
type EditOptions struct {
	// URL is the repository, in any form the reader takes.
	URL string
	// Credentials open and push to the repository.
	Credentials Credentials
	// Branch is the branch written to; "" is the remote's default branch.
	Branch string
	// Path is the repository path of the file, such as
	// "environments/production/order-service/values.yaml".
	Path string
	// Change makes the file's new content.
	Change Change
	// Author signs the commit as author and committer.
	Author Author
	// Message is the commit message.
	Message string
	// Retries is how many times a push that lost a race is tried again on
	// the new head, with Change run again (default 2; negative: none).
	Retries int
	// Timeout bounds each remote request (default 90s).
	Timeout time.Duration
	// Now stamps the commit (default time.Now).
	Now func() time.Time
}

// EditResult is what an edit did.
type EditResult struct {
	// Branch is the branch written to.
	Branch string
	// Commit is the SHA of the commit written; empty when UpToDate.
	Commit string
	// Parent is the head the commit was made on.
	Parent string
	// UpToDate says Change left the file as it was: nothing was written.
	UpToDate bool
	// Attempts is how many pushes it took.
	Attempts int
}

// Edit changes one file of a remote branch in one commit and pushes it,
// as a CI job promoting a release does: the branch is cloned into memory,
// the file's content goes through Change, and the commit is pushed as a
// fast-forward. A push that lost a race is made again on the new head (the
// change recomputed from the file there), up to Retries times. Errors name
// the repository (credentials redacted), branch and file.
func Edit(ctx context.Context, o EditOptions) (*EditResult, error) {
	w := newReverter(RevertOptions{URL: o.URL, Credentials: o.Credentials, Branch: o.Branch, Author: o.Author, Message: o.Message,
		Retries: o.Retries, Timeout: o.Timeout, Now: o.Now})
	res, err := edit(ctx, w, o)
	if err != nil {
		return nil, fmt.Errorf("edit %s in git repository %s branch %s: %w", o.Path, RedactURL(o.URL), w.branchName(), err)
	}
	return res, nil
}

func edit(ctx context.Context, w *reverter, o EditOptions) (*EditResult, error) {
	paths, err := cleanPaths([]string{o.Path})
	if err != nil || paths[0] == "" {
		return nil, fmt.Errorf("path %q is not a file path", o.Path)
	}
	file := paths[0]
	if o.Author.Name == "" || o.Author.Email == "" {
		return nil, errors.New("no author name and email")
	}
	if w.auth, err = o.Credentials.auth(o.URL); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if w.cert, w.key, err = o.Credentials.tlsOptions(); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if err := w.clone(ctx); err != nil {
		return nil, err
	}
	res := &EditResult{Branch: w.branch}
	for attempt := 0; ; attempt++ {
		head, err := w.head()
		if err != nil {
			return nil, err
		}
		res.Parent = head.Hash.String()
		treeHash, changed, err := editedTree(w, head, file, o.Change)
		if err != nil {
			return nil, err
		}
		if !changed {
			res.UpToDate, res.Commit = true, ""
			return res, nil
		}
		commit, err := w.writeCommit(head.Hash, treeHash)
		if err != nil {
			return nil, err
		}
		res.Commit, res.Attempts = commit.String(), attempt+1
		pushErr := w.push(ctx, commit)
		if pushErr == nil {
			return res, nil
		}
		moved, err := w.fetchBranch(ctx, head.Hash)
		if err != nil {
			return nil, fmt.Errorf("push: %w (then %w)", pushErr, err)
		}
		if !moved {
			return nil, fmt.Errorf("push: %w", pushErr)
		}
		if attempt >= w.o.Retries {
			return nil, fmt.Errorf("push: the branch kept moving (%d attempts): %w", attempt+1, pushErr)
		}
	}
}

// editedTree returns head's tree with file changed, and whether it changed.
func editedTree(w *reverter, head *object.Commit, file string, change Change) (plumbing.Hash, bool, error) {
	tree, err := head.Tree()
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read head %s: %w", head.Hash, err)
	}
	e, err := entryAt(tree, file)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", file, err)
	}
	if e == nil {
		return plumbing.ZeroHash, false, ErrFileNotFound
	}
	if !e.Mode.IsFile() || e.Mode == filemode.Symlink {
		return plumbing.ZeroHash, false, errors.New("not a regular file")
	}
	blob, err := object.GetBlob(w.repo.Storer, e.Hash)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", file, err)
	}
	r, err := blob.Reader()
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", file, err)
	}
	defer r.Close()
	old, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", file, err)
	}
	next, err := change(old)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if bytes.Equal(old, next) {
		return tree.Hash, false, nil
	}
	obj := w.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	ow, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if _, err := ow.Write(next); err != nil {
		return plumbing.ZeroHash, false, err
	}
	if err := ow.Close(); err != nil {
		return plumbing.ZeroHash, false, err
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("store %s: %w", file, err)
	}
	root, err := treeWriter{s: w.repo.Storer}.replace(tree.Hash, file, &object.TreeEntry{Mode: e.Mode, Hash: h})
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	return root, true, nil
}
