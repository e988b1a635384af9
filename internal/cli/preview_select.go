package cli

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// previewRepo is the local clone a preview reads: the revision previewed,
// the URLs that name the repository in Applications, and the files that
// changed since each base.
type previewRepo struct {
	dir      string // absolute work tree
	repo     *gogit.Repository
	urls     map[string]bool // normalized
	revision *object.Commit
	changes  map[plumbing.Hash][]string // base commit → changed files
}

// openPreviewRepo opens the clone in dir, resolves the revision and
// collects the URLs the repository goes by: --repo-url values, else the
// remote origin's URLs, and its own file:// URL.
func openPreviewRepo(dir, revision string, repoURLs []string) (*previewRepo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	repo, err := gogit.PlainOpenWithOptions(abs, &gogit.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	if wt, err := repo.Worktree(); err == nil {
		abs = wt.Filesystem.Root()
	}
	r := &previewRepo{dir: abs, repo: repo, urls: map[string]bool{}, changes: map[plumbing.Hash][]string{}}
	r.urls[git.NormalizeURL("file://"+abs)] = true
	for _, u := range repoURLs {
		r.urls[git.NormalizeURL(u)] = true
	}
	if len(repoURLs) == 0 {
		if origin, err := repo.Remote("origin"); err == nil {
			for _, u := range origin.Config().URLs {
				r.urls[git.NormalizeURL(u)] = true
			}
		}
	}
	if r.revision = r.commit(revision); r.revision == nil {
		return nil, fmt.Errorf("repository %s: revision %s not found", dir, revision)
	}
	return r, nil
}

// fileURL is the URL the Git cache clones the local repository from.
func (r *previewRepo) fileURL() string { return "file://" + r.dir }

// owns says whether a repository URL names this repository.
func (r *previewRepo) owns(url string) bool { return url != "" && r.urls[git.NormalizeURL(url)] }

// commit resolves a branch (local or origin's), tag or SHA; nil when the
// clone does not have it.
func (r *previewRepo) commit(rev string) *object.Commit {
	if rev == "" {
		return nil
	}
	for _, c := range []string{rev, "refs/remotes/origin/" + rev, "refs/tags/" + rev} {
		h, err := r.repo.ResolveRevision(plumbing.Revision(c))
		if err != nil {
			continue
		}
		if tag, err := r.repo.TagObject(*h); err == nil {
			if c, err := tag.Commit(); err == nil {
				return c
			}
		}
		if c, err := r.repo.CommitObject(*h); err == nil {
			return c
		}
	}
	return nil
}

// base is the commit an Application's source is compared from: --base,
// else the revision the app is synced to, else the merge base of the
// previewed revision and the source's target revision; nil when none is
// known (the app is then included, as it may change).
func (r *previewRepo) base(flag, synced, target string) *object.Commit {
	if flag != "" {
		return r.commit(flag)
	}
	if c := r.commit(synced); c != nil {
		return c
	}
	t := r.commit(target)
	if t == nil {
		t = r.commit("HEAD")
	}
	if t == nil {
		return nil
	}
	bases, err := r.revision.MergeBase(t)
	if err != nil || len(bases) == 0 {
		return nil
	}
	return bases[0]
}

// changed lists the files that differ between base and the revision.
func (r *previewRepo) changed(base *object.Commit) ([]string, error) {
	if files, ok := r.changes[base.Hash]; ok {
		return files, nil
	}
	from, err := base.Tree()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", base.Hash, err)
	}
	to, err := r.revision.Tree()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.revision.Hash, err)
	}
	diffs, err := object.DiffTree(from, to)
	if err != nil {
		return nil, fmt.Errorf("compare %s and %s: %w", base.Hash, r.revision.Hash, err)
	}
	var files []string
	for _, d := range diffs {
		for _, name := range []string{d.From.Name, d.To.Name} {
			if name != "" {
				files = append(files, name)
			}
		}
	}
	r.changes[base.Hash] = files
	return files, nil
}

// readPaths are the repository paths an Application's sources from this
// repository read: each source's path, its Helm value files (those of a
// $ref source too), and the whole repository ("") for a Kustomize overlay
// that reaches outside its path.
func (r *previewRepo) readPaths(spec *v1alpha1.ApplicationSpec) []string {
	sources := appSources(spec)
	refs := map[string]v1alpha1.ApplicationSource{}
	for _, s := range sources {
		if s.Ref != "" {
			refs[s.Ref] = s
		}
	}
	var out []string
	for _, s := range sources {
		if r.owns(s.RepoURL) && (s.Ref == "" || s.Path != "") {
			out = append(out, cleanRepoPath(s.Path))
			if r.reachesOut(s.Path) {
				out = append(out, "")
			}
		}
		if s.Helm == nil {
			continue
		}
		for _, vf := range s.Helm.ValueFiles {
			if name, rest, ok := strings.Cut(vf, "/"); ok && strings.HasPrefix(name, "$") {
				if ref, found := refs[name[1:]]; found && r.owns(ref.RepoURL) {
					out = append(out, cleanRepoPath(rest))
				}
				continue
			}
			if r.owns(s.RepoURL) && !strings.Contains(vf, "://") {
				out = append(out, cleanRepoPath(path.Join(s.Path, vf)))
			}
		}
	}
	return out
}

// reachesOut says whether the kustomization at dir (at the revision)
// names files or directories outside dir.
func (r *previewRepo) reachesOut(dir string) bool {
	tree, err := r.revision.Tree()
	if err != nil {
		return true
	}
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		f, err := tree.File(path.Join(cleanRepoPath(dir), name))
		if err != nil {
			continue
		}
		rd, err := f.Reader()
		if err != nil {
			return true
		}
		b, err := io.ReadAll(rd)
		rd.Close()
		return err != nil || strings.Contains(string(b), "..")
	}
	return false
}

func cleanRepoPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "." {
		return ""
	}
	return p
}

// touches says whether a changed file is under one of paths.
func touches(paths, files []string) bool {
	for _, p := range paths {
		for _, f := range files {
			if p == "" || f == p || strings.HasPrefix(f, p+"/") {
				return true
			}
		}
	}
	return false
}

// appSources are the spec's sources, one or several.
func appSources(spec *v1alpha1.ApplicationSpec) []v1alpha1.ApplicationSource {
	if spec.Source != nil {
		return []v1alpha1.ApplicationSource{*spec.Source}
	}
	return spec.Sources
}
