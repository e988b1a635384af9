package webhook

import (
	"encoding/json"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// watchedSource is a repository, revision and path an application reads.
type watchedSource struct {
	repoURL, revision string
	// paths are the repository paths whose changes concern it; none: all.
	paths []string
}

// appSources are the sources of an application a push can concern, as
// Argo CD's webhook reads them: its sources, or for a source hydrator the
// hydrated branch (at its path only) and the dry source.
func appSources(app *v1alpha1.Application) []watchedSource {
	annotation := app.Annotations[ManifestGeneratePathsAnnotation]
	if h := app.Spec.SourceHydrator; h != nil {
		return []watchedSource{
			{repoURL: h.DrySource.RepoURL, revision: h.SyncSource.TargetBranch, paths: []string{"/" + strings.Trim(h.SyncSource.Path, "/")}},
			{repoURL: h.DrySource.RepoURL, revision: h.DrySource.TargetRevision, paths: RefreshPaths(annotation, h.DrySource.Path)},
		}
	}
	sources := app.Spec.Sources
	if len(sources) == 0 && app.Spec.Source != nil {
		sources = v1alpha1.ApplicationSources{*app.Spec.Source}
	}
	out := make([]watchedSource, 0, len(sources))
	for _, s := range sources {
		out = append(out, watchedSource{repoURL: s.RepoURL, revision: s.TargetRevision, paths: RefreshPaths(annotation, s.Path)})
	}
	return out
}

// AppMatches tells whether a push concerns an application: one of its
// sources reads the pushed repository at a pushed revision, and a changed
// file lies under that source's refresh paths.
func AppMatches(app *v1alpha1.Application, p *Push) bool {
	keys := repoKeys(p.URLs)
	for _, s := range appSources(app) {
		if !keys[RepoKey(s.repoURL)] || !anyRevisionMatches(s.revision, p) {
			continue
		}
		if p.AllFiles || FilesTouch(s.paths, p.Files) {
			return true
		}
	}
	return false
}

// AppSetMatches tells whether a push concerns an ApplicationSet: one of
// its git generators, at the top or inside a matrix or merge (nested once
// more, as Argo CD allows), reads the pushed repository at a pushed
// revision, as Argo CD's ApplicationSet webhook decides. A repoURL or
// revision that is a template (filled in from a matrix's first generator)
// cannot be judged from the push, so it matches.
func AppSetMatches(set *v1alpha1.ApplicationSet, p *Push) bool {
	keys := repoKeys(p.URLs)
	for i := range set.Spec.Generators {
		if generatorMatches(&set.Spec.Generators[i], keys, p) {
			return true
		}
	}
	return false
}

func generatorMatches(g *v1alpha1.ApplicationSetGenerator, keys map[string]bool, p *Push) bool {
	if g.Git != nil && gitGeneratorMatches(g.Git, keys, p) {
		return true
	}
	var children []v1alpha1.ApplicationSetNestedGenerator
	if g.Matrix != nil {
		children = append(children, g.Matrix.Generators...)
	}
	if g.Merge != nil {
		children = append(children, g.Merge.Generators...)
	}
	for _, c := range children {
		if nestedMatches(c, keys, p) {
			return true
		}
	}
	return false
}

// nestedMatches reads a matrix's or merge's child, decoding a nested
// matrix or merge from its JSON.
func nestedMatches(n v1alpha1.ApplicationSetNestedGenerator, keys map[string]bool, p *Push) bool {
	if n.Git != nil && gitGeneratorMatches(n.Git, keys, p) {
		return true
	}
	g := &v1alpha1.ApplicationSetGenerator{}
	if n.Matrix != nil {
		g.Matrix = &v1alpha1.MatrixGenerator{}
		if json.Unmarshal(n.Matrix.Raw, g.Matrix) != nil {
			g.Matrix = nil
		}
	}
	if n.Merge != nil {
		g.Merge = &v1alpha1.MergeGenerator{}
		if json.Unmarshal(n.Merge.Raw, g.Merge) != nil {
			g.Merge = nil
		}
	}
	return (g.Matrix != nil || g.Merge != nil) && generatorMatches(g, keys, p)
}

func gitGeneratorMatches(g *v1alpha1.GitGenerator, keys map[string]bool, p *Push) bool {
	repo := templated(g.RepoURL) || keys[RepoKey(g.RepoURL)]
	return repo && (templated(g.Revision) || anyRevisionMatches(g.Revision, p))
}

func templated(s string) bool { return strings.Contains(s, "{{") }
