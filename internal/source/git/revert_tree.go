package git

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// cleanPaths normalizes repository paths: no leading "./" or "/", no
// trailing "/", duplicates and paths inside another one dropped. A path
// "." or "" is the whole repository, returned as the single path "".
func cleanPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return []string{""}, nil
	}
	var out []string
	whole := false
	for _, raw := range paths {
		for _, part := range strings.Split(raw, "/") {
			if part == ".." || part == ".git" {
				return nil, fmt.Errorf("path %q is not a repository path", raw)
			}
		}
		p := strings.TrimPrefix(path.Clean("/"+strings.TrimSpace(raw)), "/")
		if p == "" || p == "." {
			whole = true
		}
		out = append(out, p)
	}
	if whole {
		return []string{""}, nil
	}
	sort.Strings(out)
	kept := out[:0]
	for _, p := range out {
		if len(kept) > 0 {
			last := kept[len(kept)-1]
			if p == last || strings.HasPrefix(p, last+"/") {
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept, nil
}

// entryAt returns the tree entry at p in root, or nil when there is none.
func entryAt(root *object.Tree, p string) (*object.TreeEntry, error) {
	e, err := root.FindEntry(p)
	switch {
	case errors.Is(err, object.ErrEntryNotFound), errors.Is(err, object.ErrDirectoryNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return e, nil
}

// treeWriter writes trees into a repository's object storage.
type treeWriter struct {
	s storer.EncodedObjectStorer
}

// replace returns the hash of the tree root (zero hash: an empty tree)
// with the entry at p set to e, or removed when e is nil; directories on
// the way are created or, once empty, removed. The zero hash is returned
// for a tree left empty, so that its parent drops it, as Git stores no
// empty directories.
func (w treeWriter) replace(root plumbing.Hash, p string, e *object.TreeEntry) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !root.IsZero() {
		t, err := object.GetTree(w.s, root)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read tree %s: %w", root, err)
		}
		entries = append(entries, t.Entries...)
	}
	name, rest, nested := strings.Cut(p, "/")
	i := indexOf(entries, name)
	var next *object.TreeEntry
	if nested {
		var sub plumbing.Hash
		if i >= 0 && entries[i].Mode == filemode.Dir {
			sub = entries[i].Hash
		}
		h, err := w.replace(sub, rest, e)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if !h.IsZero() {
			next = &object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	} else if e != nil {
		next = &object.TreeEntry{Name: name, Mode: e.Mode, Hash: e.Hash}
	}
	switch {
	case next != nil && i >= 0:
		entries[i] = *next
	case next != nil:
		entries = append(entries, *next)
	case i >= 0:
		entries = append(entries[:i], entries[i+1:]...)
	}
	if len(entries) == 0 {
		return plumbing.ZeroHash, nil
	}
	return w.write(entries)
}

// write stores a tree of entries, in Git's order: by name, a directory
// compared as if its name ended with "/".
func (w treeWriter) write(entries []object.TreeEntry) (plumbing.Hash, error) {
	sortKey := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	t := &object.Tree{Entries: entries}
	obj := w.s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	h, err := w.s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store tree: %w", err)
	}
	return h, nil
}

// emptyTree stores the empty tree, a root with nothing left in it.
func (w treeWriter) emptyTree() (plumbing.Hash, error) {
	obj := w.s.NewEncodedObject()
	if err := (&object.Tree{}).Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	return w.s.SetEncodedObject(obj)
}

func indexOf(entries []object.TreeEntry, name string) int {
	for i, e := range entries {
		if e.Name == name {
			return i
		}
	}
	return -1
}

// restoredTree returns the tree of head with each of paths as it is in
// good ("" is the whole tree: good's own).
func restoredTree(s storer.EncodedObjectStorer, head, good *object.Tree, paths []string) (plumbing.Hash, error) {
	if len(paths) == 1 && paths[0] == "" {
		return good.Hash, nil
	}
	w := treeWriter{s: s}
	root := head.Hash
	for _, p := range paths {
		e, err := entryAt(good, p)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read %s at the good revision: %w", p, err)
		}
		if root, err = w.replace(root, p, e); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if root.IsZero() {
		return w.emptyTree()
	}
	return root, nil
}

// changedFiles lists the files that differ between two trees, sorted.
func changedFiles(from, to *object.Tree) ([]string, error) {
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return nil, fmt.Errorf("compare trees: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range changes {
		for _, name := range []string{c.From.Name, c.To.Name} {
			if name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
