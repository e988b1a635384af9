package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	kubefake "helm.sh/helm/v3/pkg/kube/fake"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// renderHelm renders the chart in dir as `helm template` would, in process:
// CRDs included unless skipCrds, hooks included (and mapped to Argo CD hook
// annotations), lookup returning nothing, no network.
func renderHelm(ctx context.Context, req Request, env *BuildEnv, dir string) ([]*unstructured.Unstructured, error) {
	opts := req.Source.Helm
	if opts == nil {
		opts = &v1alpha1.ApplicationSourceHelm{}
	}
	chrt, err := loadChart(req.Repo, dir, req.Limits.MaxFileSize)
	if err != nil {
		return nil, err
	}
	req.deps.addChart(dir, chrt)
	vals, err := helmValues(req, env, dir, opts)
	if err != nil {
		return nil, err
	}

	cfg := &action.Configuration{
		KubeClient: &kubefake.PrintingKubeClient{Out: io.Discard},
		Releases:   storage.Init(driver.NewMemory()),
		Log:        func(string, ...any) {},
	}
	install := action.NewInstall(cfg)
	install.DryRun, install.ClientOnly, install.Replace = true, true, true
	install.ReleaseName = opts.ReleaseName
	if install.ReleaseName == "" {
		install.ReleaseName = req.AppName
	}
	install.Namespace = opts.Namespace
	if install.Namespace == "" {
		install.Namespace = req.Namespace
	}
	install.IncludeCRDs = !opts.SkipCrds
	install.SkipSchemaValidation = opts.SkipSchemaValidation
	kubeVersion := opts.KubeVersion
	if kubeVersion == "" {
		kubeVersion = req.KubeVersion
	}
	if kubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(kubeVersion)
		if err != nil {
			return nil, fmt.Errorf("helm kubeVersion %q: %w", kubeVersion, err)
		}
		install.KubeVersion = kv
	}
	apiVersions := opts.APIVersions
	if len(apiVersions) == 0 {
		apiVersions = req.APIVersions
	}
	install.APIVersions = chartutil.VersionSet(apiVersions)

	rel, err := withDeadline(ctx, func() (rel *release.Release, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("helm template panicked: %v", p)
			}
		}()
		return install.RunWithContext(ctx, chrt, vals)
	})
	if err != nil {
		return nil, fmt.Errorf("helm template: %w", err)
	}

	var out bytes.Buffer
	out.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		if opts.SkipTests && isTestHook(h) {
			continue
		}
		out.WriteString("\n---\n# Source: " + h.Path + "\n" + h.Manifest + "\n")
	}
	objs, err := ParseManifests(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("helm output: %w", err)
	}
	return objs, nil
}

func isTestHook(h *release.Hook) bool {
	for _, e := range h.Events {
		if e == release.HookTest {
			return true
		}
	}
	return false
}

// loadChart loads the chart in dir, its vendored dependencies (charts/)
// included, honouring .helmignore. Symlinks inside the repository are
// followed, to directories too, as helm's loader follows them.
func loadChart(repo fs.FS, dir string, limit int64) (*chart.Chart, error) {
	var files []*loader.BufferedFile
	ignore, _ := fs.ReadFile(repo, path.Join(dir, ".helmignore"))
	rules := parseHelmIgnore(ignore)
	// walk walks root, a directory at rel below dir, reached through hops
	// symlinked directories.
	var walk func(root, rel string, hops int) error
	walk = func(root, rel string, hops int) error {
		return fs.WalkDir(repo, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := path.Join(rel, pathBelow(root, p))
			if name == "." {
				return nil
			}
			isDir := d.IsDir()
			if d.Type()&fs.ModeSymlink != 0 {
				info, err := fs.Stat(repo, p)
				if err != nil {
					return fmt.Errorf("symlink %s: %w", p, err)
				}
				isDir = info.IsDir()
			}
			if rules.ignored(name, isDir) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			switch {
			case isDir && !d.IsDir():
				if hops >= maxSymlinkedDirs {
					return fmt.Errorf("symlink %s: more than %d symlinked directories in one path", p, maxSymlinkedDirs)
				}
				return walk(p, name, hops+1)
			case isDir:
				return nil
			}
			data, err := readLimited(repo, p, limit)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			files = append(files, &loader.BufferedFile{Name: name, Data: data})
			return nil
		})
	}
	if err := walk(dir, ".", 0); err != nil {
		return nil, fmt.Errorf("load helm chart: %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load helm chart: %w", err)
	}
	if err := checkDependencies(c); err != nil {
		return nil, err
	}
	return c, nil
}

// maxSymlinkedDirs bounds the symlinked directories followed in one path
// of a chart, so that a link to its own parent does not loop.
const maxSymlinkedDirs = 8

// checkDependencies refuses a chart whose declared dependencies are not
// vendored: Tiphys, like Argo CD with dependency build off, does not fetch them.
func checkDependencies(c *chart.Chart) error {
	if c.Metadata == nil {
		return nil
	}
	have := map[string]bool{}
	for _, d := range c.Dependencies() {
		have[d.Name()] = true
	}
	for _, d := range c.Metadata.Dependencies {
		if !have[d.Name] {
			return fmt.Errorf("helm chart %s: dependency %q is not vendored in charts/", c.Name(), d.Name)
		}
	}
	return nil
}

// helmIgnore is a small .helmignore matcher: glob lines, "dir/" for
// directories, "!" negation.
type helmIgnore []string

func parseHelmIgnore(data []byte) helmIgnore {
	var rules helmIgnore
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules
}

func (r helmIgnore) ignored(rel string, dir bool) bool {
	ignored := false
	for _, rule := range r {
		neg := strings.HasPrefix(rule, "!")
		pat := strings.TrimPrefix(rule, "!")
		if strings.HasSuffix(pat, "/") {
			if !dir {
				continue
			}
			pat = strings.TrimSuffix(pat, "/")
		}
		target := rel
		if !strings.Contains(pat, "/") {
			target = path.Base(rel)
		}
		if ok, _ := path.Match(pat, target); ok {
			ignored = !neg
		}
	}
	return ignored
}

var errNotFound = errors.New("not found")
