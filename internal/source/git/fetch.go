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

// FetchOptions tune Fetch and Resolve.
type FetchOptions struct {
	// Refresh demands a listing of the remote's refs that starts after the
	// call does, as a user's refresh (Argo CD's argocd.argoproj.io/refresh
	// annotation) must see a commit pushed a moment before. Without it, a
	// listing in flight, or one that started less than
	// CacheOptions.ListInterval ago, answers the call.
	Refresh bool
}

// Fetch brings the clone up to date with the remote. It lists the remote's
// refs first and fetches only when they differ from what the clone has, so an
// unchanged repository costs one small request. The listing (and the fetch
// it leads to) is shared: calls made while one is in flight wait for it, and
// calls made less than CacheOptions.ListInterval after one started take its
// result without asking the remote, unless opts.Refresh asks for a new one.
// Only calls with the same credentials share a listing, and a failed one is
// shared too (an unreachable server is asked once per interval, not once per
// application). It reports whether the listing that answered the call
// fetched anything.
func (r *Repo) Fetch(ctx context.Context, creds Credentials, opts FetchOptions) (bool, error) {
	called := time.Now()
	key := creds.key()
	for {
		r.listMu.Lock()
		l := r.listing
		if l != nil && l.creds == key && l.serves(called, r.listInterval, opts) {
			r.listMu.Unlock()
			return l.wait(ctx, r)
		}
		if l != nil && !l.finished() {
			// One in flight that cannot answer (too old for a refresh, or
			// other credentials): let it finish, then list again.
			r.listMu.Unlock()
			if _, err := l.wait(ctx, r); ctx.Err() != nil {
				return false, err
			}
			continue
		}
		l = &listing{started: time.Now(), creds: key, done: make(chan struct{})}
		r.listing = l
		r.listMu.Unlock()
		// The listing outlives a caller that gives up: others may be
		// waiting for it. FetchTimeout bounds it.
		go func() {
			l.fetched, l.err = r.fetch(context.WithoutCancel(ctx), creds)
			close(l.done)
		}()
		return l.wait(ctx, r)
	}
}

// listing is one listing of the remote's refs and the fetch it led to.
type listing struct {
	started time.Time
	creds   string        // the credentials' key (see Credentials.key)
	done    chan struct{} // closed when fetched and err are set
	fetched bool
	err     error
}

func (l *listing) finished() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// serves tells whether l answers a call made at called.
func (l *listing) serves(called time.Time, interval time.Duration, opts FetchOptions) bool {
	switch {
	case !l.started.Before(called):
		return true // started after the call: fresh enough for anyone
	case opts.Refresh:
		return false
	case !l.finished():
		return true
	}
	return interval > 0 && called.Sub(l.started) < interval
}

// wait returns l's result, or the caller's context error if it gives up first.
func (l *listing) wait(ctx context.Context, r *Repo) (bool, error) {
	select {
	case <-l.done:
		return l.fetched, l.err
	case <-ctx.Done():
		return false, r.errorf("list refs", ctx.Err())
	}
}

// fetch lists the remote's refs and fetches when they moved.
func (r *Repo) fetch(ctx context.Context, creds Credentials) (bool, error) {
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
	r.resolvedMu.Lock()
	r.resolved = nil // the refs move: resolve again
	r.resolvedMu.Unlock()
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
