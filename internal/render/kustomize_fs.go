package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/tiphys/tiphys/internal/source/git"
)

// repoMount is where the repository appears in kustomize's file system.
const repoMount = "/repo"

// lazyFS is kustomize's in-memory file system, filled from the repository on
// first access: kustomize sees the whole repository, but only the files it
// touches are read. Writes (the application's overrides to the
// kustomization) stay in memory. A path outside the repository is recorded
// as an escape and looks absent to kustomize.
type lazyFS struct {
	filesys.FileSystem
	mounts  map[string]fs.FS // absolute mount point → files
	limit   int64
	mu      sync.Mutex
	loaded  map[string]bool // paths copied in; dirs listed
	escape  error
	readErr error
}

func newLazyFS(lower fs.FS, limit int64) *lazyFS {
	mem := filesys.MakeFsInMemory()
	_ = mem.MkdirAll(repoMount)
	return &lazyFS{FileSystem: mem, mounts: map[string]fs.FS{repoMount: lower}, limit: limit, loaded: map[string]bool{}}
}

// mount makes files appear at the absolute path at (a remote base).
func (l *lazyFS) mount(at string, files fs.FS) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mounts[at] = files
	_ = l.FileSystem.MkdirAll(at)
}

// rel maps an absolute kustomize path to the mount holding it and the path
// inside it; ok is false outside every mount.
func (l *lazyFS) rel(p string) (fs.FS, string, bool) {
	c := path.Clean(filepath.ToSlash(p))
	for at, files := range l.mounts {
		if c == at {
			return files, ".", true
		}
		if strings.HasPrefix(c, at+"/") {
			return files, strings.TrimPrefix(c, at+"/"), true
		}
	}
	return nil, "", false
}

// ensure copies p (a file, or a directory with its entries) into memory.
func (l *lazyFS) ensure(p string, listDir bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lower, rel, ok := l.rel(p)
	if !ok {
		if l.escape == nil {
			l.escape = fmt.Errorf("%s: %w", strings.TrimPrefix(path.Clean(p), "/"), ErrEscapes)
		}
		return
	}
	key := path.Clean(p)
	if listDir {
		key += "/"
	}
	if l.loaded[key] {
		return
	}
	l.loaded[key] = true
	info, err := fs.Stat(lower, rel)
	if err != nil {
		if errors.Is(err, ErrEscapes) || errors.Is(err, git.ErrEscapes) {
			l.escape = err
		}
		return
	}
	abs := path.Clean(p)
	if !info.IsDir() {
		l.copyFile(lower, rel, abs)
		return
	}
	_ = l.FileSystem.MkdirAll(abs)
	if !listDir {
		return
	}
	entries, err := fs.ReadDir(lower, rel)
	if err != nil {
		return
	}
	for _, e := range entries {
		childRel, childAbs := path.Join(rel, e.Name()), path.Join(abs, e.Name())
		if isSymlinkedDir(lower, childRel, e) {
			_ = l.FileSystem.MkdirAll(childAbs)
			continue
		}
		if e.IsDir() {
			_ = l.FileSystem.MkdirAll(childAbs)
			continue
		}
		if !l.loaded[childAbs] {
			l.loaded[childAbs] = true
			l.copyFile(lower, childRel, childAbs)
		}
	}
}

// isSymlinkedDir tells whether e, at rel, is a symlink to a directory
// (inside the repository: a link that leaves it does not resolve).
func isSymlinkedDir(lower fs.FS, rel string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	info, err := fs.Stat(lower, rel)
	return err == nil && info.IsDir()
}

func (l *lazyFS) copyFile(lower fs.FS, rel, abs string) {
	if l.FileSystem.Exists(abs) {
		return // written by us: keep it
	}
	data, err := readLimited(lower, rel, l.limit)
	if err != nil {
		if l.readErr == nil {
			l.readErr = fmt.Errorf("%s: %w", rel, err)
		}
		return
	}
	_ = l.FileSystem.MkdirAll(path.Dir(abs))
	_ = l.FileSystem.WriteFile(abs, data)
}

// ensureTree copies everything below p, for walks.
func (l *lazyFS) ensureTree(p string) {
	l.ensure(p, true)
	lower, rel, ok := l.rel(p)
	if !ok {
		return
	}
	base := strings.TrimSuffix(path.Clean(p), "/"+rel)
	if rel == "." {
		base = path.Clean(p)
	}
	_ = fs.WalkDir(lower, rel, func(q string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			l.ensure(path.Join(base, q), true)
		}
		return nil
	})
}

// Open opens a file.
func (l *lazyFS) Open(p string) (filesys.File, error) {
	l.ensure(p, false)
	return l.FileSystem.Open(p)
}

// ReadFile reads a file.
func (l *lazyFS) ReadFile(p string) ([]byte, error) {
	l.ensure(p, false)
	return l.FileSystem.ReadFile(p)
}

// Exists reports whether p exists.
func (l *lazyFS) Exists(p string) bool { l.ensure(p, false); return l.FileSystem.Exists(p) }

// IsDir reports whether p is a directory.
func (l *lazyFS) IsDir(p string) bool { l.ensure(p, false); return l.FileSystem.IsDir(p) }

// ReadDir lists a directory.
func (l *lazyFS) ReadDir(p string) ([]string, error) {
	l.ensure(p, true)
	return l.FileSystem.ReadDir(p)
}

// CleanedAbs resolves a path.
func (l *lazyFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	l.ensure(p, false)
	return l.FileSystem.CleanedAbs(p)
}

// Glob matches files.
func (l *lazyFS) Glob(pattern string) ([]string, error) {
	l.ensure(path.Dir(pattern), true)
	return l.FileSystem.Glob(pattern)
}

// Walk walks a tree.
func (l *lazyFS) Walk(p string, fn filepath.WalkFunc) error {
	l.ensureTree(p)
	return l.FileSystem.Walk(p, fn)
}
