package git

import (
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Branch tells which branch a targetRevision names, from the clone as last
// fetched (see Fetch): "" and HEAD name the remote's default branch, a
// branch name or refs/heads/ name names itself. It reports false for a
// tag, a commit SHA or a name the clone does not know, which a commit
// cannot be written to.
func (r *Repo) Branch(revision string) (string, bool) {
	defer r.reading()()
	rev := strings.TrimSpace(revision)
	if rev == "" || rev == "HEAD" {
		ref, err := r.repo.Storer.Reference(plumbing.HEAD)
		if err != nil || ref.Type() != plumbing.SymbolicReference || !ref.Target().IsBranch() {
			return "", false
		}
		return ref.Target().Short(), true
	}
	name := plumbing.NewBranchReferenceName(strings.TrimPrefix(rev, "refs/heads/"))
	if _, err := r.repo.Storer.Reference(name); err != nil {
		return "", false
	}
	return name.Short(), true
}
