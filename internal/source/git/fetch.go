package git

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Fetch brings the clone up to date with the remote. It lists the remote's
// refs first and fetches only when they differ from what the clone has, so an
// unchanged repository costs one small request. It reports whether anything
// was fetched.
func (r *Repo) Fetch(ctx context.Context, creds Credentials) (bool, error) {
	ctx, cancel := r.withTimeout(ctx)
	defer cancel()
	auth, err := creds.auth(r.url)
	if err != nil {
		return false, r.errorf("credentials", err)
	}
	cert, key, err := creds.tlsOptions()
	if err != nil {
		return false, r.errorf("credentials", err)
	}
	remote, err := r.repo.Remote("origin")
	if err != nil {
		return false, r.errorf("remote", err)
	}
	refs, err := remote.ListContext(ctx, &gogit.ListOptions{
		Auth: auth, InsecureSkipTLS: creds.Insecure, ClientCert: cert, ClientKey: key,
		Timeout: int(r.timeout / time.Second),
	})
	if err != nil {
		if errors.Is(err, transport.ErrEmptyRemoteRepository) {
			return false, r.errorf("list refs", errors.New("repository is empty"))
		}
		return false, r.errorf("list refs", err)
	}
	heads := map[string]string{}
	for _, ref := range refs {
		if ref.Type() == plumbing.HashReference {
			heads[ref.Name().String()] = ref.Hash().String()
		} else if ref.Type() == plumbing.SymbolicReference {
			heads[ref.Name().String()] = "ref: " + ref.Target().String()
		}
	}
	r.headsMu.Lock()
	same := r.heads != nil && maps.Equal(r.heads, heads)
	r.headsMu.Unlock()
	if same {
		return false, nil
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	err = r.repo.FetchContext(ctx, &gogit.FetchOptions{
		RemoteName: "origin", Auth: auth, InsecureSkipTLS: creds.Insecure, ClientCert: cert, ClientKey: key,
		Force: true, Prune: true, Tags: gogit.NoTags,
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return false, r.errorf("fetch", err)
	}
	// Remember the remote's HEAD, which a bare fetch does not write.
	if target, ok := heads["HEAD"]; ok && len(target) > 5 && target[:5] == "ref: " {
		_ = r.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.ReferenceName(target[5:])))
	} else if hash, ok := heads["HEAD"]; ok {
		_ = r.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.HEAD, plumbing.NewHash(hash)))
	}
	r.headsMu.Lock()
	r.heads, r.fetchedAt = heads, time.Now()
	r.headsMu.Unlock()
	return true, nil
}

// errorf wraps err with the repository (credentials redacted) and the step.
func (r *Repo) errorf(step string, err error) error {
	return fmt.Errorf("git repository %s: %s: %w", RedactURL(r.url), step, err)
}
