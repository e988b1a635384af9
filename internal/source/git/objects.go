package git

import (
	"io/fs"
	"sort"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxCachedEntries bounds the decoded objects a Repo keeps (tree entries,
// file sizes, symlink targets, commit roots): about 100 bytes each.
const maxCachedEntries = 1 << 18

// objectCache keeps decoded Git objects of one clone. Git objects never
// change, so an entry is valid as long as it is kept, and the trees that
// a commit did not touch are shared with the commits before it: after a
// commit to one app of a monorepo, looking up the paths of the other apps
// decodes nothing. Decoding a large directory (a monorepo's apps/) on
// every lookup was what made fingerprinting every app after a commit slow.
type objectCache struct {
	mu      sync.Mutex
	entries int // the bound's measure
	dirs    map[plumbing.Hash]*dir
	sizes   map[plumbing.Hash]int64
	links   map[plumbing.Hash]string
	roots   map[plumbing.Hash]plumbing.Hash // commit → its root tree
}

func (c *objectCache) add(n int) {
	// Under c.mu. Crude but bounded: when full, start again; the objects
	// in use are decoded again on their next lookup.
	if c.entries += n; c.entries > maxCachedEntries || c.dirs == nil {
		c.entries = n
		c.dirs = map[plumbing.Hash]*dir{}
		c.sizes = map[plumbing.Hash]int64{}
		c.links = map[plumbing.Hash]string{}
		c.roots = map[plumbing.Hash]plumbing.Hash{}
	}
}

// dir is a decoded tree object; it is never modified once built, so it is
// read without locks.
type dir struct {
	hash    plumbing.Hash
	entries []object.TreeEntry
	index   map[string]int

	listOnce sync.Once
	listing  []fs.DirEntry
}

func newDir(t *object.Tree) *dir {
	d := &dir{hash: t.Hash, entries: t.Entries, index: make(map[string]int, len(t.Entries))}
	for i, e := range t.Entries {
		d.index[e.Name] = i
	}
	return d
}

func (d *dir) find(name string) (*object.TreeEntry, bool) {
	i, ok := d.index[name]
	if !ok {
		return nil, false
	}
	return &d.entries[i], true
}

// list is the directory's entries sorted by name, submodules left out.
func (d *dir) list() []fs.DirEntry {
	d.listOnce.Do(func() {
		out := make([]fs.DirEntry, 0, len(d.entries))
		for _, e := range d.entries {
			if e.Mode == filemode.Submodule {
				continue
			}
			info := fileInfo{name: e.Name, dir: e.Mode == filemode.Dir, symlink: e.Mode == filemode.Symlink}
			out = append(out, fs.FileInfoToDirEntry(info))
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
		d.listing = out
	})
	return d.listing
}

// tree returns the decoded tree h.
func (r *Repo) tree(h plumbing.Hash) (*dir, error) {
	r.objects.mu.Lock()
	d, ok := r.objects.dirs[h]
	r.objects.mu.Unlock()
	if ok {
		return d, nil
	}
	unlock := r.reading()
	t, err := r.repo.TreeObject(h)
	unlock()
	if err != nil {
		return nil, err
	}
	d = newDir(t)
	r.objects.mu.Lock()
	r.objects.add(len(d.entries) + 1)
	r.objects.dirs[h] = d
	r.objects.mu.Unlock()
	return d, nil
}

// rootOf returns the root tree of commit sha.
func (r *Repo) rootOf(sha string) (*dir, error) {
	c := plumbing.NewHash(sha)
	r.objects.mu.Lock()
	h, ok := r.objects.roots[c]
	r.objects.mu.Unlock()
	if !ok {
		unlock := r.reading()
		commit, err := r.repo.CommitObject(c)
		unlock()
		if err != nil {
			return nil, r.errorf("commit "+sha, err)
		}
		h = commit.TreeHash
		r.objects.mu.Lock()
		r.objects.add(1)
		r.objects.roots[c] = h
		r.objects.mu.Unlock()
	}
	d, err := r.tree(h)
	if err != nil {
		return nil, r.errorf("tree of "+sha, err)
	}
	return d, nil
}

// blobSize returns the size of blob h.
func (r *Repo) blobSize(h plumbing.Hash) (int64, error) {
	r.objects.mu.Lock()
	size, ok := r.objects.sizes[h]
	r.objects.mu.Unlock()
	if ok {
		return size, nil
	}
	unlock := r.reading()
	size, err := r.repo.Storer.EncodedObjectSize(h)
	unlock()
	if err != nil {
		return 0, err
	}
	r.objects.mu.Lock()
	r.objects.add(1)
	r.objects.sizes[h] = size
	r.objects.mu.Unlock()
	return size, nil
}

// linkTarget returns the target of the symlink whose blob is h.
func (r *Repo) linkTarget(h plumbing.Hash) (string, error) {
	r.objects.mu.Lock()
	target, ok := r.objects.links[h]
	r.objects.mu.Unlock()
	if ok {
		return target, nil
	}
	b, err := r.blobBytes(h, 4096)
	if err != nil {
		return "", err
	}
	r.objects.mu.Lock()
	r.objects.add(1)
	r.objects.links[h] = string(b)
	r.objects.mu.Unlock()
	return string(b), nil
}
