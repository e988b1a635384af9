package git

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Author is who a commit is written by (author and committer alike).
type Author struct {
	// Name is the author's name, such as "Tiphys".
	Name string
	// Email is the author's address, such as "tiphys@localhost".
	Email string
}

// RevertOptions say what Revert writes, and where.
type RevertOptions struct {
	// URL is the repository, in any form the reader takes (https://,
	// ssh://, scp-like, file://).
	URL string
	// Credentials open and push to the repository (the zero value is
	// anonymous access, as for file:// URLs).
	Credentials Credentials
	// Branch is the branch the commit is written to, as "main" or
	// "refs/heads/main"; "" and "HEAD" are the remote's default branch.
	Branch string
	// Paths are the repository paths restored, such as an application's
	// source path; "" or "." (or no paths at all) is the whole repository.
	// Every other path is left as it is on the branch.
	Paths []string
	// Good is the revision whose content the paths get back: a commit
	// SHA (full or abbreviated), a branch or a tag.
	Good string
	// Bad is the revision being undone, for the record: when set it must
	// exist, and the result names it. The commit restores Good's content
	// whatever the branch holds, so changes made after Bad to the same
	// paths are undone too.
	Bad string
	// Author signs the commit as author and committer.
	Author Author
	// Message is the commit message.
	Message string
	// Retries is how many times a push that lost a race (someone pushed to
	// the branch meanwhile) is tried again on the new head (default 2;
	// negative: none).
	Retries int
	// Timeout bounds each remote request (default 90s).
	Timeout time.Duration
	// Now stamps the commit (default time.Now), for reproducible tests.
	Now func() time.Time
}

// ErrNotBranch is Revert's error when RevertOptions.Branch names a tag, a
// commit SHA or nothing the remote has, rather than a branch: a commit can
// only be written to a branch (an Application pinned to a tag or a commit
// follows no branch).
var ErrNotBranch = errors.New("not a branch of the remote")

// RevertResult is what Revert did.
type RevertResult struct {
	// Branch is the branch written to (the default branch's name when
	// RevertOptions.Branch asked for it).
	Branch string
	// Commit is the SHA of the commit written; empty when UpToDate.
	Commit string
	// Parent is the branch head the commit was made on; when UpToDate,
	// the head that already had the good content.
	Parent string
	// Good and Bad are the resolved commit SHAs of the options' revisions
	// (Bad empty when not given).
	Good, Bad string
	// Changed are the files the commit changed, added or removed.
	Changed []string
	// UpToDate says the paths already held the good revision's content on
	// the branch: nothing was written.
	UpToDate bool
	// Attempts is how many pushes it took (0 when UpToDate at once).
	Attempts int
}

// Revert writes one commit on the branch's current head that restores the
// paths to their content at the good revision, undoing every change made
// to them since, and pushes it. Other paths keep what the head has, so a
// branch that moved on after the bad revision keeps the other changes. When
// the paths already hold the good content, nothing is written
// (RevertResult.UpToDate). A push rejected because the branch moved
// meanwhile is made again on the new head, up to Retries times. The clone
// is made in memory and thrown away; the repository's other refs are not
// touched. Errors name the repository (credentials redacted) and branch.
func Revert(ctx context.Context, o RevertOptions) (*RevertResult, error) {
	w := newReverter(o)
	res, err := w.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("revert in git repository %s branch %s: %w", RedactURL(o.URL), w.branchName(), err)
	}
	return res, nil
}

// newReverter is a Revert or Edit call with o's defaults filled in (2
// retries, a 90 s timeout per network step, the clock) and the branch
// without refs/heads/ ("" for HEAD, the default branch).
func newReverter(o RevertOptions) *reverter {
	if o.Retries == 0 {
		o.Retries = 2
	}
	if o.Timeout <= 0 {
		o.Timeout = 90 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	w := &reverter{o: o, branch: strings.TrimPrefix(o.Branch, "refs/heads/")}
	if w.branch == "HEAD" {
		w.branch = ""
	}
	return w
}

// branchName names the branch in errors.
func (w *reverter) branchName() string {
	if w.branch == "" {
		return "(default branch)"
	}
	return w.branch
}

// reverter is one Revert call.
type reverter struct {
	o      RevertOptions
	branch string // "" until the default branch is known
	repo   *gogit.Repository
	auth   transport.AuthMethod
	cert   []byte
	key    []byte
}

func (w *reverter) run(ctx context.Context) (*RevertResult, error) {
	paths, err := cleanPaths(w.o.Paths)
	if err != nil {
		return nil, err
	}
	if w.o.Good == "" {
		return nil, errors.New("no good revision")
	}
	if w.o.Author.Name == "" || w.o.Author.Email == "" {
		return nil, errors.New("no author name and email")
	}
	if w.auth, err = w.o.Credentials.auth(w.o.URL); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if w.cert, w.key, err = w.o.Credentials.tlsOptions(); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if err := w.clone(ctx); err != nil {
		return nil, err
	}
	res := &RevertResult{Branch: w.branch}
	good, err := w.commit(ctx, w.o.Good)
	if err != nil {
		return nil, fmt.Errorf("good revision: %w", err)
	}
	res.Good = good.Hash.String()
	if w.o.Bad != "" {
		bad, err := w.commit(ctx, w.o.Bad)
		if err != nil {
			return nil, fmt.Errorf("bad revision: %w", err)
		}
		res.Bad = bad.Hash.String()
	}
	goodTree, err := good.Tree()
	if err != nil {
		return nil, fmt.Errorf("read good revision %s: %w", good.Hash, err)
	}
	for attempt := 0; ; attempt++ {
		head, err := w.head()
		if err != nil {
			return nil, err
		}
		res.Parent = head.Hash.String()
		headTree, err := head.Tree()
		if err != nil {
			return nil, fmt.Errorf("read head %s: %w", head.Hash, err)
		}
		treeHash, err := restoredTree(w.repo.Storer, headTree, goodTree, paths)
		if err != nil {
			return nil, err
		}
		if treeHash == headTree.Hash {
			res.UpToDate, res.Commit, res.Changed = true, "", nil
			return res, nil
		}
		tree, err := object.GetTree(w.repo.Storer, treeHash)
		if err != nil {
			return nil, fmt.Errorf("read restored tree: %w", err)
		}
		if res.Changed, err = changedFiles(headTree, tree); err != nil {
			return nil, err
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
		// The push failed: when the branch moved meanwhile, make the commit
		// again on its new head; otherwise the failure is the answer.
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

// clone makes an in-memory bare clone of the branch.
func (w *reverter) clone(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	opts := &gogit.CloneOptions{
		URL: w.o.URL, Auth: w.auth, InsecureSkipTLS: w.o.Credentials.Insecure, ClientCert: w.cert, ClientKey: w.key,
		NoCheckout: true, SingleBranch: true, Tags: gogit.NoTags,
	}
	if w.branch != "" {
		opts.ReferenceName = plumbing.NewBranchReferenceName(w.branch)
	}
	if w.branch != "" && hexRevision.MatchString(w.branch) && len(w.branch) == 40 {
		return fmt.Errorf("%s is a commit: %w", w.branch, ErrNotBranch)
	}
	repo, err := gogit.CloneContext(cctx, memory.NewStorage(), nil, opts)
	switch {
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return errors.New("clone: repository is empty")
	case err != nil && w.branch != "":
		if what := w.notBranch(ctx); what != "" {
			return fmt.Errorf("%s is %s: %w", w.branch, what, ErrNotBranch)
		}
		return fmt.Errorf("clone: %w", err)
	case err != nil:
		return fmt.Errorf("clone: %w", err)
	}
	w.repo = repo
	if w.branch == "" {
		head, err := repo.Reference(plumbing.HEAD, false)
		if err != nil || head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
			return errors.New("clone: the remote's HEAD names no branch")
		}
		w.branch = head.Target().Short()
		// The clone of HEAD keeps its head as origin/HEAD: keep it under
		// the branch's name too, where fetches of the branch update it.
		fetched, err := repo.Reference(plumbing.NewRemoteHEADReferenceName("origin"), true)
		if err != nil {
			return fmt.Errorf("clone: the remote's HEAD: %w", err)
		}
		if err := repo.Storer.SetReference(plumbing.NewHashReference(w.remoteRef(), fetched.Hash())); err != nil {
			return fmt.Errorf("clone: %w", err)
		}
	}
	return nil
}

// notBranch lists the remote's refs after a failed clone of the branch
// and says what the branch's name is instead ("a tag", "no branch"), or ""
// when it is a branch after all or the remote cannot be listed (the
// clone's error is then the answer).
func (w *reverter) notBranch(ctx context.Context) string {
	lctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	remote := gogit.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{w.o.URL}})
	refs, err := remote.ListContext(lctx, &gogit.ListOptions{
		Auth: w.auth, InsecureSkipTLS: w.o.Credentials.Insecure, ClientCert: w.cert, ClientKey: w.key,
	})
	if err != nil {
		return ""
	}
	what := "no branch"
	for _, ref := range refs {
		switch ref.Name() {
		case plumbing.NewBranchReferenceName(w.branch):
			return ""
		case plumbing.NewTagReferenceName(w.branch):
			what = "a tag"
		}
	}
	return what
}

// remoteRef is where the clone keeps the remote branch's head.
func (w *reverter) remoteRef() plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName("origin", w.branch)
}

// head is the remote branch's head as last fetched.
func (w *reverter) head() (*object.Commit, error) {
	ref, err := w.repo.Reference(w.remoteRef(), true)
	if err != nil {
		return nil, fmt.Errorf("branch head: %w", err)
	}
	c, err := w.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("branch head %s: %w", ref.Hash(), err)
	}
	return c, nil
}

// commit resolves a revision to a commit, fetching the remote's other
// branches and tags when the branch's history does not have it.
func (w *reverter) commit(ctx context.Context, rev string) (*object.Commit, error) {
	c, err := w.resolve(rev)
	if err == nil {
		return c, nil
	}
	fctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	ferr := w.repo.FetchContext(fctx, &gogit.FetchOptions{
		RemoteName: "origin", Auth: w.auth, InsecureSkipTLS: w.o.Credentials.Insecure, ClientCert: w.cert, ClientKey: w.key,
		RefSpecs: []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"}, Tags: gogit.NoTags,
	})
	if ferr != nil && !errors.Is(ferr, gogit.NoErrAlreadyUpToDate) {
		return nil, fmt.Errorf("fetch to find %s: %w", rev, ferr)
	}
	if c, err = w.resolve(rev); err != nil {
		return nil, fmt.Errorf("%s not found", rev)
	}
	return c, nil
}

func (w *reverter) resolve(rev string) (*object.Commit, error) {
	if hexRevision.MatchString(rev) && len(rev) == 40 {
		return w.repo.CommitObject(plumbing.NewHash(strings.ToLower(rev)))
	}
	candidates := []string{rev, "refs/remotes/origin/" + rev, "refs/tags/" + rev}
	for _, c := range candidates {
		h, err := w.repo.ResolveRevision(plumbing.Revision(c))
		if err != nil {
			continue
		}
		if tag, err := w.repo.TagObject(*h); err == nil {
			if c, err := tag.Commit(); err == nil {
				return c, nil
			}
		}
		return w.repo.CommitObject(*h)
	}
	return nil, plumbing.ErrReferenceNotFound
}

// writeCommit stores a commit of tree on parent.
func (w *reverter) writeCommit(parent, tree plumbing.Hash) (plumbing.Hash, error) {
	sig := object.Signature{Name: w.o.Author.Name, Email: w.o.Author.Email, When: w.o.Now()}
	msg := w.o.Message
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: []plumbing.Hash{parent}}
	obj := w.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store commit: %w", err)
	}
	return h, nil
}

// push sends commit as the branch's new head; the remote refuses it unless
// it fast-forwards the branch.
func (w *reverter) push(ctx context.Context, commit plumbing.Hash) error {
	local := plumbing.NewBranchReferenceName(w.branch)
	if err := w.repo.Storer.SetReference(plumbing.NewHashReference(local, commit)); err != nil {
		return fmt.Errorf("set %s: %w", local, err)
	}
	pctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	return w.repo.PushContext(pctx, &gogit.PushOptions{
		RemoteName: "origin", Auth: w.auth, InsecureSkipTLS: w.o.Credentials.Insecure, ClientCert: w.cert, ClientKey: w.key,
		RefSpecs: []config.RefSpec{config.RefSpec(local + ":" + local)},
	})
}

// fetchBranch fetches the branch again and reports whether its head
// moved away from was.
func (w *reverter) fetchBranch(ctx context.Context, was plumbing.Hash) (bool, error) {
	fctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	spec := config.RefSpec("+" + plumbing.NewBranchReferenceName(w.branch) + ":" + w.remoteRef())
	err := w.repo.FetchContext(fctx, &gogit.FetchOptions{
		RemoteName: "origin", Auth: w.auth, InsecureSkipTLS: w.o.Credentials.Insecure, ClientCert: w.cert, ClientKey: w.key,
		RefSpecs: []config.RefSpec{spec}, Tags: gogit.NoTags, Force: true,
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return false, fmt.Errorf("fetch: %w", err)
	}
	ref, err := w.repo.Reference(w.remoteRef(), true)
	if err != nil {
		return false, fmt.Errorf("branch head: %w", err)
	}
	return ref.Hash() != was, nil
}
