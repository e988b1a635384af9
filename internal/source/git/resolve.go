package git

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

var hexRevision = regexp.MustCompile(`^[0-9a-fA-F]{4,40}$`)

// Resolve brings the clone up to date (cheaply and shared with other
// callers, see Fetch) and resolves a targetRevision to a commit SHA: "" and
// HEAD are the remote's default branch; then a branch, a tag (annotated tags
// peeled), a full ref name, or a full or abbreviated commit SHA.
func (r *Repo) Resolve(ctx context.Context, revision string, creds Credentials, opts FetchOptions) (string, error) {
	if _, err := r.Fetch(ctx, creds, opts); err != nil {
		return "", err
	}
	return r.ResolveLocal(revision)
}

// ResolveLocal resolves a revision against the clone as it is, without
// asking the remote. Its answers are kept until the next fetch, which
// alone moves the clone's refs: reading them from disk for every
// application of a repository on every resync was a good part of an idle
// controller's work.
func (r *Repo) ResolveLocal(revision string) (string, error) {
	defer r.reading()()
	r.resolvedMu.Lock()
	sha, ok := r.resolved[revision]
	r.resolvedMu.Unlock()
	if ok {
		return sha, nil
	}
	sha, err := r.resolveLocal(revision)
	if err != nil {
		return "", err
	}
	r.resolvedMu.Lock()
	if r.resolved == nil || len(r.resolved) > 1024 {
		r.resolved = map[string]string{}
	}
	r.resolved[revision] = sha
	r.resolvedMu.Unlock()
	return sha, nil
}

func (r *Repo) resolveLocal(revision string) (string, error) {
	rev := strings.TrimSpace(revision)
	var candidates []plumbing.ReferenceName
	switch {
	case rev == "" || rev == "HEAD":
		candidates = []plumbing.ReferenceName{plumbing.HEAD}
	case strings.HasPrefix(rev, "refs/"):
		candidates = []plumbing.ReferenceName{plumbing.ReferenceName(rev)}
	default:
		candidates = []plumbing.ReferenceName{plumbing.NewBranchReferenceName(rev), plumbing.NewTagReferenceName(rev)}
	}
	for _, name := range candidates {
		ref, err := r.repo.Reference(name, true)
		if err != nil {
			continue
		}
		return r.peel(ref.Hash())
	}
	if hexRevision.MatchString(rev) {
		if len(rev) == 40 {
			if _, err := r.repo.CommitObject(plumbing.NewHash(rev)); err == nil {
				return strings.ToLower(rev), nil
			}
		} else if h, err := r.repo.ResolveRevision(plumbing.Revision(rev)); err == nil {
			return r.peel(*h)
		}
	}
	return "", r.errorf("resolve revision", fmt.Errorf("revision %q not found", revision))
}

// peel follows annotated tags to their commit.
func (r *Repo) peel(h plumbing.Hash) (string, error) {
	for range 10 {
		tag, err := r.repo.TagObject(h)
		if err != nil {
			break
		}
		h = tag.Target
	}
	if _, err := r.repo.CommitObject(h); err != nil {
		return "", r.errorf("resolve revision", fmt.Errorf("%s is not a commit: %w", h, err))
	}
	return h.String(), nil
}

// Commit returns the commit object of sha.
func (r *Repo) Commit(sha string) (*object.Commit, error) {
	defer r.reading()()
	c, err := r.repo.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		return nil, r.errorf("commit "+sha, err)
	}
	return c, nil
}
