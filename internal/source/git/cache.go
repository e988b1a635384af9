package git

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// CacheOptions configure a Cache.
type CacheOptions struct {
	// Dir holds the bare clones, one directory per repository.
	Dir string
	// FetchTimeout bounds one remote request (default 90s).
	FetchTimeout time.Duration
	// ListInterval is how long a listing of a repository's refs answers
	// later Fetch and Resolve calls for it (default DefaultListInterval):
	// the applications reading one repository, reconciled one after the
	// other, list its refs once per interval rather than once each. A
	// negative value shares only a listing in flight. A call with
	// FetchOptions.Refresh always gets a listing of its own time.
	ListInterval time.Duration
}

// DefaultListInterval is the default CacheOptions.ListInterval: short beside
// a controller's Git poll (30s), long enough to serve every application of
// a repository whose reconciles the poll's jitter spread out.
const DefaultListInterval = 5 * time.Second

// Cache holds one bare clone per normalized repository URL.
type Cache struct {
	opts  CacheOptions
	mu    sync.Mutex
	repos map[string]*Repo
}

// NewCache returns a cache of clones under o.Dir.
func NewCache(o CacheOptions) (*Cache, error) {
	if o.Dir == "" {
		return nil, errors.New("git cache: no directory")
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 90 * time.Second
	}
	if o.ListInterval == 0 {
		o.ListInterval = DefaultListInterval
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("git cache: %w", err)
	}
	return &Cache{opts: o, repos: map[string]*Repo{}}, nil
}

// Repo returns the clone of url, creating an empty one on first use; it
// fetches nothing until Fetch or Resolve is called.
func (c *Cache) Repo(url string) (*Repo, error) {
	key := NormalizeURL(url)
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.repos[key]; ok {
		return r, nil
	}
	sum := sha256.Sum256([]byte(key))
	dir := filepath.Join(c.opts.Dir, hex.EncodeToString(sum[:8]))
	repo, err := gogit.PlainOpen(dir)
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		repo, err = gogit.PlainInit(dir, true)
		if err == nil {
			_, err = repo.CreateRemote(&config.RemoteConfig{
				Name: "origin",
				URLs: []string{url},
				Fetch: []config.RefSpec{
					"+refs/heads/*:refs/heads/*",
					"+refs/tags/*:refs/tags/*",
				},
			})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("git repository %s: open clone: %w", RedactURL(url), err)
	}
	r := &Repo{url: url, dir: dir, repo: repo, timeout: c.opts.FetchTimeout, listInterval: c.opts.ListInterval}
	c.repos[key] = r
	return r, nil
}

// Repo is the bare clone of one repository. Its methods are safe for
// concurrent use: fetches are exclusive, reads shared.
type Repo struct {
	url          string
	dir          string
	timeout      time.Duration
	listInterval time.Duration

	// mu guards the go-git repository: a fetch holds it exclusively, and
	// reads hold it shared, as go-git's pack readers are not safe for
	// concurrent use; readMu serializes the reads themselves.
	mu     sync.RWMutex
	readMu sync.Mutex
	repo   *gogit.Repository

	headsMu   sync.Mutex
	heads     map[string]string // remote refs at the last fetch
	fetchedAt time.Time

	// listMu guards listing, the newest listing of the remote's refs,
	// in flight or done, which serves the calls it can (see Fetch).
	listMu  sync.Mutex
	listing *listing

	// resolved memoizes ResolveLocal; a fetch, holding mu, clears it.
	resolvedMu sync.Mutex
	resolved   map[string]string

	// objects are decoded trees and blob facts, shared by every TreeFS.
	objects objectCache
}

// URL is the repository URL as first given.
func (r *Repo) URL() string { return r.url }

// reading takes the locks for reading the clone and returns their release.
func (r *Repo) reading() func() {
	r.mu.RLock()
	r.readMu.Lock()
	return func() { r.readMu.Unlock(); r.mu.RUnlock() }
}

func (r *Repo) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.timeout)
}
