package render

import (
	"path"
	"sort"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
)

// Dependency is something a render took from outside the source's own
// repository: a Helm chart dependency's repository (Chart.yaml or
// Chart.lock, of the chart or of a vendored subchart, fetched or not) or a
// remote kustomize resource, base or component. The application's project
// decides whether its repository may be used (sourceRepos), as for the
// application's own repoURL.
type Dependency struct {
	// Kind is DependencyHelm or DependencyKustomize.
	Kind string
	// RepoURL is the repository: a Helm repository URL (https://, oci://,
	// or an @alias), or a Git URL.
	RepoURL string
	// File is where the dependency is named, relative to the repository
	// (a Chart.yaml, Chart.lock or kustomization file).
	File string
	// Name is the chart's name or the kustomize entry.
	Name string
}

// Kinds of dependencies.
const (
	DependencyHelm      = "helm chart dependency"
	DependencyKustomize = "remote kustomize resource"
)

// dependencyLog gathers the dependencies of one render.
type dependencyLog struct {
	mu   sync.Mutex
	seen map[Dependency]bool
	list []Dependency
}

func (l *dependencyLog) add(d Dependency) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[Dependency]bool{}
	}
	if !l.seen[d] {
		l.seen[d] = true
		l.list = append(l.list, d)
	}
}

// sorted is the dependencies in a stable order.
func (l *dependencyLog) sorted() []Dependency {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]Dependency(nil), l.list...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.RepoURL+a.Name < b.RepoURL+b.Name
	})
	return out
}

// addChart records the repositories a chart's Chart.yaml and Chart.lock
// name for its dependencies, and those of its vendored subcharts
// (charts/*.tgz or directories), dir being the chart's directory. A
// dependency in the chart's own files (an empty or file:// repository) is
// not from outside.
func (l *dependencyLog) addChart(dir string, c *chart.Chart) {
	if c == nil || l == nil {
		return
	}
	add := func(file string, deps []*chart.Dependency) {
		for _, d := range deps {
			if d == nil || d.Repository == "" || strings.HasPrefix(d.Repository, "file://") {
				continue
			}
			l.add(Dependency{Kind: DependencyHelm, RepoURL: d.Repository, File: path.Join(dir, file), Name: d.Name})
		}
	}
	if c.Metadata != nil {
		add("Chart.yaml", c.Metadata.Dependencies)
	}
	if c.Lock != nil {
		add(lockFile(c), c.Lock.Dependencies)
	}
	for _, sub := range c.Dependencies() {
		l.addChart(path.Join(dir, "charts", sub.Name()), sub)
	}
}

// lockFile is the name of a chart's lock file: requirements.lock for
// charts of API version v1.
func lockFile(c *chart.Chart) string {
	if c.Metadata != nil && c.Metadata.APIVersion == chart.APIVersionV1 {
		return "requirements.lock"
	}
	return "Chart.lock"
}
