package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"sigs.k8s.io/yaml"
)

// RemoteOpener opens a Git repository at a revision, for remote kustomize
// bases; the controller passes one backed by the shared Git cache.
type RemoteOpener func(ctx context.Context, repoURL, revision string) (fs.FS, error)

// remoteBase is a kustomize resource that names a Git repository.
type remoteBase struct {
	repoURL, dir, ref string
}

// parseRemoteBase recognizes kustomize's remote resource forms:
// https://host/org/repo[.git]//dir?ref=x, git@host:org/repo.git//dir,
// ssh://..., file:///path/repo//dir and github.com/org/repo/dir?ref=x.
func parseRemoteBase(entry string) (remoteBase, bool) {
	s := entry
	query := ""
	if i := strings.Index(s, "?"); i >= 0 {
		s, query = s[:i], s[i+1:]
	}
	var rb remoteBase
	if q, err := url.ParseQuery(query); err == nil {
		rb.ref = q.Get("ref")
		if rb.ref == "" {
			rb.ref = q.Get("version")
		}
	}
	scheme := ""
	switch {
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "ssh://"), strings.HasPrefix(s, "file://"):
		i := strings.Index(s, "://")
		scheme, s = s[:i+3], s[i+3:]
	case strings.HasPrefix(s, "git@"):
	case strings.HasPrefix(s, "github.com/"), strings.HasPrefix(s, "gitlab.com/"), strings.HasPrefix(s, "bitbucket.org/"):
		scheme = "https://"
	default:
		return remoteBase{}, false
	}
	if repo, dir, ok := strings.Cut(s, "//"); ok {
		rb.repoURL, rb.dir = scheme+repo, dir
	} else if scheme == "file://" {
		rb.repoURL = scheme + s
	} else {
		// host/org/repo[/dir...]
		parts := strings.SplitN(s, "/", 4)
		if len(parts) < 3 {
			return remoteBase{}, false
		}
		rb.repoURL = scheme + strings.Join(parts[:3], "/")
		if len(parts) == 4 {
			rb.dir = parts[3]
		}
	}
	if rb.dir == "" {
		rb.dir = "."
	}
	return rb, true
}

// resolveRemoteBases walks the kustomizations reachable from root, mounts
// every remote base from the Git cache into the in-memory file system, and
// points the kustomization at the mount, so kustomize never clones.
func resolveRemoteBases(ctx context.Context, fsys *lazyFS, req Request, root string) error {
	seen := map[string]bool{}
	var visit func(dir string) error
	visit = func(dir string) error {
		if seen[dir] {
			return nil
		}
		seen[dir] = true
		var file string
		for _, name := range kustomizationFiles {
			if fsys.Exists(path.Join(dir, name)) && !fsys.IsDir(path.Join(dir, name)) {
				file = path.Join(dir, name)
				break
			}
		}
		if file == "" {
			return nil
		}
		data, err := fsys.ReadFile(file)
		if err != nil {
			return nil // kustomize reports it
		}
		var k map[string]any
		if err := yaml.Unmarshal(data, &k); err != nil {
			return nil // kustomize reports it
		}
		changed := false
		for _, field := range []string{"resources", "components", "bases"} {
			list, _ := k[field].([]any)
			for i, e := range list {
				entry, _ := e.(string)
				rb, remote := parseRemoteBase(entry)
				if !remote {
					if target := path.Join(dir, entry); fsys.IsDir(target) {
						if err := visit(target); err != nil {
							return err
						}
					}
					continue
				}
				req.deps.add(Dependency{Kind: DependencyKustomize, RepoURL: rb.repoURL, File: strings.TrimPrefix(file, repoMount+"/"), Name: entry})
				if req.Remote == nil {
					return fmt.Errorf("remote kustomize base %q: no Git access configured", entry)
				}
				files, err := req.Remote(ctx, rb.repoURL, rb.ref)
				if err != nil {
					return fmt.Errorf("%s: remote kustomize base %q: %w", strings.TrimPrefix(file, repoMount+"/"), entry, err)
				}
				sum := sha256.Sum256([]byte(rb.repoURL + "\x00" + rb.ref))
				at := "/remote/" + hex.EncodeToString(sum[:6])
				fsys.mount(at, files)
				sub, err := cleanRepoPath(rb.dir)
				if err != nil {
					return fmt.Errorf("remote kustomize base %q: %w", entry, err)
				}
				target := path.Join(at, sub)
				list[i] = relPath(dir, target)
				changed = true
				if err := visit(target); err != nil {
					return err
				}
			}
		}
		if !changed {
			return nil
		}
		out, err := yaml.Marshal(k)
		if err != nil {
			return err
		}
		return fsys.FileSystem.WriteFile(file, out)
	}
	return visit(root)
}

// relPath is the relative path from directory from to target (both absolute).
func relPath(from, target string) string {
	f := strings.Split(strings.Trim(from, "/"), "/")
	t := strings.Split(strings.Trim(target, "/"), "/")
	i := 0
	for i < len(f) && i < len(t) && f[i] == t[i] {
		i++
	}
	parts := make([]string, 0, len(f)-i+len(t)-i)
	for range f[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, t[i:]...)
	return strings.Join(parts, "/")
}
