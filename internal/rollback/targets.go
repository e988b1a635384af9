package rollback

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// revertTarget is one revert commit of a rollback: the paths of one
// repository branch restored to one revision. Sources of a multi-source
// app on the same repository, branch and revision share a target, so
// that they get one commit.
type revertTarget struct {
	// repoURL is the repository as the first of its sources names it.
	repoURL string
	// branch is the sources' targetRevision ("" and HEAD: the default branch).
	branch string
	// good is the history entry's revision of the sources.
	good string
	// paths are what the sources' render reads from the repository.
	paths []string
	// sources are the sources' numbers (1-based, as Argo CD's messages
	// count them); nil for a single-source app.
	sources []int
}

// name is the target's sources for messages: "source 2 (URL)".
func (t revertTarget) name() string {
	if len(t.sources) == 0 {
		return git.RedactURL(t.repoURL)
	}
	nums := make([]string, len(t.sources))
	for i, n := range t.sources {
		nums[i] = fmt.Sprint(n)
	}
	word := "source"
	if len(nums) > 1 {
		word = "sources"
	}
	return fmt.Sprintf("%s %s (%s)", word, strings.Join(nums, ", "), git.RedactURL(t.repoURL))
}

// revertTargets are the revert commits a rollback of app to entry writes,
// and why the sources that get none, but differ from the entry, get none
// (a Helm repository chart has no branch). A single-source app's source is
// one target. Each Git source of a multi-source app (spec.sources, as
// Argo CD's history pairs them with history[].revisions by index) is
// reverted between its revision in the entry and its branch head, limited
// to what it lends the render: see sourcePaths.
func revertTargets(app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) ([]revertTarget, []string, error) {
	if len(app.Spec.Sources) == 0 {
		src := app.Spec.Source
		if src == nil {
			return nil, nil, fmt.Errorf("the application has no source")
		}
		if src.Chart != "" {
			return nil, []string{fmt.Sprintf("%s: a Helm repository chart has no branch to revert", git.RedactURL(src.RepoURL))}, nil
		}
		return []revertTarget{{repoURL: src.RepoURL, branch: src.TargetRevision, good: entry.Revision, paths: revertPaths(src)}}, nil, nil
	}
	sources := app.Spec.Sources
	if len(entry.Revisions) != len(sources) {
		return nil, nil, fmt.Errorf("history %d has %d revisions for the app's %d sources: its sources changed since (roll back without the revert commit: --no-git, or noGit in the API)",
			entry.ID, len(entry.Revisions), len(sources))
	}
	current := app.Status.Sync.Revisions
	var targets []revertTarget
	var skipped []string
	for i, src := range sources {
		good := entry.Revisions[i]
		if src.Chart != "" {
			if i >= len(current) || current[i] != good {
				skipped = append(skipped, fmt.Sprintf("source %d (%s): Helm repository chart %s has no branch to revert; it stays held at version %s until the Application asks for it",
					i+1, git.RedactURL(src.RepoURL), src.Chart, good))
			}
			continue
		}
		paths := sourcePaths(sources, i)
		if len(paths) == 0 {
			continue // a ref no other source reads from
		}
		if good == "" {
			skipped = append(skipped, fmt.Sprintf("source %d (%s): history %d has no revision for it", i+1, git.RedactURL(src.RepoURL), entry.ID))
			continue
		}
		at := slices.IndexFunc(targets, func(t revertTarget) bool {
			return git.NormalizeURL(t.repoURL) == git.NormalizeURL(src.RepoURL) && sameBranch(t.branch, src.TargetRevision) && t.good == good
		})
		if at < 0 {
			targets = append(targets, revertTarget{repoURL: src.RepoURL, branch: src.TargetRevision, good: good})
			at = len(targets) - 1
		}
		t := &targets[at]
		t.sources = append(t.sources, i+1)
		for _, p := range paths {
			if !slices.Contains(t.paths, p) {
				t.paths = append(t.paths, p)
			}
		}
	}
	return targets, skipped, nil
}

// sameBranch reports two targetRevisions naming the same branch.
func sameBranch(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimPrefix(strings.TrimSpace(s), "refs/heads/")
		if s == "" {
			return "HEAD"
		}
		return s
	}
	return norm(a) == norm(b)
}

// sourcePaths are the repository paths a multi-source app's render reads
// from source i, as Argo CD's multi-source render does: the source's own
// path and the value files it names relative to it (revertPaths) when it
// is rendered, that is when it has a path or no ref (no path: the
// repository's root); and the "$ref/..." value files every source takes
// from it when it has a ref. A ref-only source read by no other source
// reads nothing: nil.
func sourcePaths(sources []v1alpha1.ApplicationSource, i int) []string {
	src := sources[i]
	var paths []string
	if src.Path != "" || src.Ref == "" {
		paths = revertPaths(&src)
	}
	if src.Ref == "" {
		return paths
	}
	for _, other := range sources {
		for _, f := range helmFiles(&other) {
			rest, ok := strings.CutPrefix(f, "$"+src.Ref+"/")
			if !ok || strings.Contains(rest, "$") {
				continue // another ref's, or a build variable the render expands
			}
			if p, ok := repoPath(rest); ok && !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	return paths
}

// revertPaths are the repository paths an app's render reads: its source
// path and the Helm value files (and file parameters) it names relative to
// it (a values file under environments/ beside a chart under charts/), so
// that the revert restores every input the rolled-back revision rendered.
// Value files outside the repository (URLs, paths above its root) and
// those of other sources ($ref/...) are left out.
func revertPaths(src *v1alpha1.ApplicationSource) []string {
	paths := []string{src.Path}
	for _, vf := range helmFiles(src) {
		if strings.Contains(vf, "://") || strings.HasPrefix(vf, "$") {
			continue
		}
		p, ok := repoPath(path.Join(src.Path, vf))
		if path.IsAbs(vf) {
			p, ok = repoPath(vf)
		}
		if ok {
			paths = append(paths, p)
		}
	}
	return paths
}

// helmFiles are the value files and file parameters of a Helm source, as
// written.
func helmFiles(src *v1alpha1.ApplicationSource) []string {
	if src.Helm == nil {
		return nil
	}
	files := slices.Clone(src.Helm.ValueFiles)
	for _, fp := range src.Helm.FileParameters {
		files = append(files, fp.Path)
	}
	return files
}

// repoPath cleans a path relative to the repository's root; false when it
// leaves the repository.
func repoPath(p string) (string, bool) {
	p = path.Clean(strings.TrimPrefix(p, "/"))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}
