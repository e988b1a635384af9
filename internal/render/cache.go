package render

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TreeHasher is a file system that can fingerprint a path cheaply, as a Git
// tree does (git.TreeFS).
type TreeHasher interface {
	fs.FS
	TreeHash(name string) (string, error)
}

// committed is a file system that is one commit: the same commit always
// holds the same files (git.TreeFS).
type committed interface{ Commit() string }

// Cache re-uses renders. It keys a render by the request and by the content
// of every path the render read, recorded as it ran: a later request whose
// recorded paths are unchanged (a resync, or a commit elsewhere in a
// monorepo) gets the stored objects without rendering. It is bounded by
// the bytes of stored output, least recently used first out.
type Cache struct {
	maxBytes int64

	mu      sync.Mutex
	bytes   int64
	lru     *list.List               // of *cacheEntry, most recent first
	entries map[string]*list.Element // key → entry
	inputs  map[string]inputs        // request identity → what its last render read
	byRev   map[string]string        // identity + commits → key, to skip fingerprinting

	renders, hits atomic.Int64

	// states memoizes the state of a path in a commit: commits never
	// change, and the apps of a monorepo share many inputs.
	statesMu sync.Mutex
	states   map[string]string
}

// inputs are what a render depended on besides its request's identity:
// the paths it read and the build variables it expanded.
type inputs struct {
	reads []read
	vars  []string
}

type cacheEntry struct {
	key        string
	sourceType string
	objects    []*unstructured.Unstructured // never handed out: hits get copies
	// deps are the render's dependencies: a hit reports them as the render
	// did, so the project checks them every time.
	deps []Dependency
	size int64 // JSON size, for the byte bound
}

// NewCache returns a cache holding up to maxBytes of rendered output
// (default 256 MiB).
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = 256 << 20
	}
	return &Cache{maxBytes: maxBytes, lru: list.New(), entries: map[string]*list.Element{},
		inputs: map[string]inputs{}, byRev: map[string]string{}, states: map[string]string{}}
}

// Stats are the cache's counters.
type Stats struct {
	// Renders is how many renders ran; Hits how many requests were served
	// from the cache.
	Renders, Hits int64
	// Bytes is the stored output size; Entries the number of stored renders.
	Bytes   int64
	Entries int
}

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Renders: c.renders.Load(), Hits: c.hits.Load(), Bytes: c.bytes, Entries: c.lru.Len()}
}

// Render returns the render of req from the cache when every input it read
// last time is unchanged, and renders (and stores) it otherwise. Inputs
// are the paths read and the values of the build variables expanded (see
// BuildEnv): a new commit changes ARGOCD_APP_REVISION, which re-renders only
// a source that uses it. The cache is used only when req.Repo and every ref
// implement TreeHasher.
func (c *Cache) Render(ctx context.Context, req Request) (*Result, error) {
	hashers, ok := treeHashers(req)
	if !ok {
		c.renders.Add(1)
		return Render(ctx, req)
	}
	ident, err := identity(req)
	if err != nil {
		return nil, err
	}
	env := NewBuildEnv(req)
	rev := revisionKey(ident, env, hashers)
	c.mu.Lock()
	in, known := c.inputs[ident]
	key, sameRev := c.byRev[rev]
	c.mu.Unlock()
	if sameRev {
		if res, ok := c.lookup(key); ok {
			c.hits.Add(1)
			return res, nil
		}
	}
	if known {
		key, err := c.fingerprint(ident, in, env, hashers)
		if err == nil {
			if res, ok := c.lookup(key); ok {
				c.hits.Add(1)
				c.remember(rev, key)
				return res, nil
			}
		}
	}

	log := &readLog{reads: map[read]bool{}}
	recorded := req
	recorded.used = newUsedVars()
	recorded.Repo = &recordFS{FS: req.Repo, id: "", log: log}
	if len(req.Refs) > 0 {
		recorded.Refs = make(map[string]fs.FS, len(req.Refs))
		for name, fsys := range req.Refs {
			recorded.Refs[name] = &recordFS{FS: fsys, id: name, log: log}
		}
	}
	var usedRemote atomic.Bool
	if req.Remote != nil {
		remote := req.Remote
		recorded.Remote = func(ctx context.Context, repoURL, revision string) (fs.FS, error) {
			usedRemote.Store(true)
			return remote(ctx, repoURL, revision)
		}
	}
	c.renders.Add(1)
	res, err := Render(ctx, recorded)
	if err != nil {
		return nil, err
	}
	if usedRemote.Load() {
		return res, nil // it read other repositories too: not cached
	}
	in = inputs{reads: log.sorted(), vars: recorded.used.sorted()}
	key, err = c.fingerprint(ident, in, env, hashers)
	if err != nil {
		return res, nil // not cacheable, but rendered fine
	}
	c.store(ident, key, in, res)
	c.remember(rev, key)
	return res, nil
}

// revisionKey is the identity plus the build environment and the commit of
// every file system, or "" when one of them is not a commit.
func revisionKey(ident string, env *BuildEnv, hashers map[string]TreeHasher) string {
	names := make([]string, 0, len(hashers))
	for name := range hashers {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(ident + "\x00" + env.key())
	for _, name := range names {
		c, ok := hashers[name].(committed)
		if !ok {
			return ""
		}
		b.WriteString("\x00" + name + "=" + c.Commit())
	}
	return b.String()
}

func (c *Cache) remember(rev, key string) {
	if rev == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byRev) > 4*len(c.entries)+1024 {
		c.byRev = map[string]string{} // old commits: cheap to forget, cheap to recompute
	}
	c.byRev[rev] = key
}

func treeHashers(req Request) (map[string]TreeHasher, bool) {
	out := map[string]TreeHasher{}
	h, ok := req.Repo.(TreeHasher)
	if !ok {
		return nil, false
	}
	out[""] = h
	for name, fsys := range req.Refs {
		h, ok := fsys.(TreeHasher)
		if !ok {
			return nil, false
		}
		out[name] = h
	}
	return out, true
}

// identity covers everything of a request except the repository content
// and the build variables that only the build environment uses (project,
// revision): the fingerprint covers those a render expanded.
func identity(req Request) (string, error) {
	var refs []string
	for name := range req.Refs {
		refs = append(refs, name)
	}
	b, err := json.Marshal(struct {
		App, Namespace, KubeVersion string
		APIVersions, Refs           []string
		Source                      any
		Limits                      Limits
		Scoped                      bool
	}{req.AppName, req.Namespace, req.KubeVersion, req.APIVersions, refs, req.Source, req.Limits, req.Namespaced != nil})
	if err != nil {
		return "", fmt.Errorf("render cache: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// fingerprint hashes the identity with the current state of every read
// path and the current value of every expanded build variable.
func (c *Cache) fingerprint(ident string, in inputs, env *BuildEnv, hashers map[string]TreeHasher) (string, error) {
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
		}
	}
	write(ident)
	for _, name := range in.vars {
		write("\x00$", name, "=", env.value(name))
	}
	for _, r := range in.reads {
		fsys := hashers[r.fsys]
		if fsys == nil {
			return "", errors.New("render cache: unknown file system")
		}
		state, err := c.pathState(fsys, r)
		if err != nil {
			return "", err
		}
		write("\x00", r.fsys, "\x00", r.path, "\x00", strconv.Itoa(int(r.op)), "\x00", state)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// pathState is the state of a read path, memoized per commit.
func (c *Cache) pathState(fsys TreeHasher, r read) (string, error) {
	cm, ok := fsys.(committed)
	if !ok {
		return pathState(fsys, r)
	}
	memo := cm.Commit() + "\x00" + r.path + "\x00" + strconv.Itoa(int(r.op))
	c.statesMu.Lock()
	state, hit := c.states[memo]
	c.statesMu.Unlock()
	if hit {
		return state, nil
	}
	state, err := pathState(fsys, r)
	if err != nil {
		return "", err
	}
	c.statesMu.Lock()
	if len(c.states) > 1<<20 {
		c.states = map[string]string{}
	}
	c.states[memo] = state
	c.statesMu.Unlock()
	return state, nil
}

func pathState(fsys TreeHasher, r read) (string, error) {
	switch r.op {
	case opRead:
		return fsys.TreeHash(r.path)
	case opList:
		entries, err := fs.ReadDir(fsys, r.path)
		if err != nil {
			return "absent", nil
		}
		var b strings.Builder
		for _, e := range entries {
			b.WriteString(e.Name())
			if e.IsDir() {
				b.WriteString("/")
			}
			b.WriteString("\n")
		}
		return b.String(), nil
	default:
		info, err := fs.Stat(fsys, r.path)
		switch {
		case err != nil:
			return "absent", nil
		case info.IsDir():
			return "dir", nil
		}
		return "file", nil
	}
}

func (c *Cache) lookup(key string) (*Result, bool) {
	c.mu.Lock()
	el, ok := c.entries[key]
	if ok {
		c.lru.MoveToFront(el)
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	res := &Result{SourceType: sourceType(e.sourceType), Objects: make([]*unstructured.Unstructured, len(e.objects)),
		Dependencies: append([]Dependency(nil), e.deps...)}
	for i, o := range e.objects {
		res.Objects[i] = o.DeepCopy()
	}
	return res, true
}

func (c *Cache) store(ident, key string, in inputs, res *Result) {
	stored := make([]*unstructured.Unstructured, len(res.Objects))
	var size int64
	for i, o := range res.Objects {
		stored[i] = o.DeepCopy()
		b, err := o.MarshalJSON()
		if err != nil {
			return
		}
		size += int64(len(b))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inputs[ident] = in
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		return
	}
	c.entries[key] = c.lru.PushFront(&cacheEntry{key: key, sourceType: string(res.SourceType), objects: stored,
		deps: append([]Dependency(nil), res.Dependencies...), size: size})
	c.bytes += size
	for c.bytes > c.maxBytes && c.lru.Len() > 1 {
		last := c.lru.Back()
		e := last.Value.(*cacheEntry)
		c.lru.Remove(last)
		delete(c.entries, e.key)
		c.bytes -= e.size
	}
}
