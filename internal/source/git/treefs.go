package git

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// MaxFileSize is the largest file a TreeFS reads (by default); larger files
// fail with an error naming them, so one huge blob cannot exhaust memory.
const MaxFileSize = 16 << 20

// ErrEscapes is returned for a symlink that points outside the repository.
var ErrEscapes = errors.New("points outside the repository")

// TreeFS is the read-only file tree of one commit, as an fs.FS. Symlinks are
// followed inside the repository; one that leaves it is an error.
type TreeFS struct {
	repo   *Repo
	commit string
	root   *dir
	// MaxFileSize overrides the package default for this tree.
	MaxFileSize int64
	// hashes memoizes TreeHash: a tree never changes, and many
	// applications of a monorepo fingerprint the same paths.
	hashes sync.Map
}

// FS returns the files of commit sha.
func (r *Repo) FS(sha string) (*TreeFS, error) {
	root, err := r.rootOf(sha)
	if err != nil {
		return nil, err
	}
	return &TreeFS{repo: r, commit: sha, root: root, MaxFileSize: MaxFileSize}, nil
}

// Commit is the SHA the tree belongs to.
func (t *TreeFS) Commit() string { return t.commit }

// lookup finds the entry at name, following symlinks inside the tree. It
// returns the resolved path, the entry (nil for the root) and, for a
// directory, its decoded tree. Trees come from the clone's object cache,
// so a lookup through unchanged directories decodes nothing.
func (t *TreeFS) lookup(op, name string) (string, *object.TreeEntry, *dir, error) {
	if !fs.ValidPath(name) {
		return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	parts := []string{}
	if name != "." {
		parts = strings.Split(name, "/")
	}
	tree, resolved := t.root, []string{}
	var entry *object.TreeEntry
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		if tree == nil {
			return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		e, ok := tree.find(part)
		if !ok {
			return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if e.Mode == filemode.Symlink {
			if hops++; hops > 40 {
				return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: errors.New("too many symlinks")}
			}
			dest, err := t.repo.linkTarget(e.Hash)
			if err != nil {
				return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: err}
			}
			joined := path.Join(append([]string{strings.Join(resolved, "/")}, dest)...)
			if path.IsAbs(dest) || joined == ".." || strings.HasPrefix(joined, "../") {
				return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("symlink to %q %w", dest, ErrEscapes)}
			}
			// Restart from the root with the target and the rest of the path.
			rest := parts
			parts = nil
			if joined != "." {
				parts = strings.Split(joined, "/")
			}
			parts = append(parts, rest...)
			tree, resolved, entry = t.root, nil, nil
			continue
		}
		entry = e
		resolved = append(resolved, part)
		tree = nil
		if e.Mode == filemode.Dir {
			sub, err := t.repo.tree(e.Hash)
			if err != nil {
				return "", nil, nil, &fs.PathError{Op: op, Path: name, Err: err}
			}
			tree = sub
		}
	}
	p := strings.Join(resolved, "/")
	if p == "" {
		p = "."
	}
	if entry == nil {
		return p, nil, t.root, nil
	}
	return p, entry, tree, nil
}

// blobBytes reads blob h, refusing one over limit bytes.
func (r *Repo) blobBytes(h plumbing.Hash, limit int64) ([]byte, error) {
	defer r.reading()()
	blob, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if blob.Size > limit {
		return nil, fmt.Errorf("file is %d bytes, over the limit of %d", blob.Size, limit)
	}
	rd, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// Open opens a file or directory. Through a symlink it opens the target,
// named as the link (as os.Open does).
func (t *TreeFS) Open(name string) (fs.File, error) {
	_, entry, tree, err := t.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if tree != nil {
		// A copy: the listing is shared, and readers may sort what they get.
		return &dirFile{info: fileInfo{name: path.Base(name), dir: true}, entries: slices.Clone(tree.list())}, nil
	}
	data, err := t.repo.blobBytes(entry.Hash, t.MaxFileSize)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{info: fileInfo{name: path.Base(name), size: int64(len(data))}, Reader: bytes.NewReader(data)}, nil
}

// ReadFile reads a whole file.
func (t *TreeFS) ReadFile(name string) ([]byte, error) {
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if m, ok := f.(*memFile); ok {
		return io.ReadAll(m)
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
}

// ReadDir lists a directory, sorted by name.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	_, _, tree, err := t.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if tree == nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return slices.Clone(tree.list()), nil
}

// Stat describes a file or directory, following symlinks; the name is the
// one asked for (as os.Stat's).
func (t *TreeFS) Stat(name string) (fs.FileInfo, error) {
	_, entry, tree, err := t.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	if tree != nil {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	size, _ := t.repo.blobSize(entry.Hash)
	return fileInfo{name: path.Base(name), size: size}, nil
}

// TreeHash returns the content hash of the file or directory at name ("" for
// the whole tree), or "absent" when it does not exist: equal hashes mean
// equal content, which keys the render cache.
func (t *TreeFS) TreeHash(name string) (string, error) {
	if name == "" {
		name = "."
	}
	if h, ok := t.hashes.Load(name); ok {
		return h.(string), nil
	}
	_, entry, tree, err := t.lookup("hash", name)
	var h string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		h = "absent"
	case err != nil:
		return "", err
	case entry == nil:
		h = tree.hash.String()
	default:
		h = entry.Hash.String()
	}
	t.hashes.Store(name, h)
	return h, nil
}

type fileInfo struct {
	name    string
	size    int64
	dir     bool
	symlink bool
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return f.size }
func (f fileInfo) Mode() fs.FileMode {
	switch {
	case f.dir:
		return fs.ModeDir | 0o555
	case f.symlink:
		return fs.ModeSymlink | 0o444
	}
	return 0o444
}
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }

type memFile struct {
	info fileInfo
	*bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type dirFile struct {
	info    fileInfo
	entries []fs.DirEntry
	pos     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *dirFile) Close() error { return nil }
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.pos:]
	if n <= 0 {
		d.pos = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.pos += n
	return rest[:n], nil
}
