package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/tracking"
)

// Request is one source of one application to render.
type Request struct {
	// AppName is the application's instance name (see tracking.AppInstanceName).
	AppName string
	// Namespace is the destination namespace: the default of namespaced
	// objects and of the Helm release.
	Namespace string
	// Project is the application's project ("default" when empty), for
	// ARGOCD_APP_PROJECT_NAME.
	Project string
	// Source is what to render.
	Source v1alpha1.ApplicationSource
	// Revision is the source's resolved revision, a commit SHA, for
	// ARGOCD_APP_REVISION; a chart source's is the chart version it gets.
	Revision string
	// Repo is the source repository at the resolved revision, rooted at the
	// repository root (paths such as ../base in a kustomization resolve in it).
	Repo fs.FS
	// Refs are the other sources of a multi-source application by their
	// ref name, for value files written as $ref/path.
	Refs map[string]fs.FS
	// KubeVersion is the destination's Kubernetes version, such as "1.37.2".
	KubeVersion string
	// APIVersions are the destination's API versions ("apps/v1", "apps/v1/Deployment").
	APIVersions []string
	// Namespaced tells whether a kind is namespaced; nil uses the built-in
	// table plus the CRDs the render itself contains.
	Namespaced ScopeFunc
	// Limits bound the render.
	Limits Limits
	// Charts fetches charts for sources with a chart (Helm repositories).
	Charts ChartFetcher
	// Remote opens Git repositories named by remote kustomize bases.
	Remote RemoteOpener

	// used records the build variables the render expands (see Cache).
	used *usedVars
	// deps gathers what the render takes from outside the repository.
	deps *dependencyLog
}

// Limits bound a render so that bad input cannot exhaust the controller.
type Limits struct {
	// MaxFileSize is the largest manifest or values file read (default 16 MiB).
	MaxFileSize int64
	// MaxOutputSize is the largest total rendered size (default 128 MiB).
	MaxOutputSize int64
	// Timeout bounds one render, Helm's template engine included (default 90s).
	Timeout time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 16 << 20
	}
	if l.MaxOutputSize <= 0 {
		l.MaxOutputSize = 128 << 20
	}
	if l.Timeout <= 0 {
		l.Timeout = 90 * time.Second
	}
	return l
}

// Result is a rendered source.
type Result struct {
	// Objects are the rendered objects, namespaced ones defaulted to the
	// destination namespace and all carrying the tracking annotation.
	Objects []*unstructured.Unstructured
	// SourceType is the tool that rendered them.
	SourceType v1alpha1.ApplicationSourceType
	// Dependencies are the repositories the render took something from
	// besides the source's own: Helm chart dependencies and remote
	// kustomize resources.
	Dependencies []Dependency
}

// Error is a render failure: the application, the file and the cause.
type Error struct {
	App  string
	File string
	Err  error
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("render application %q: %v", e.App, e.Err)
	}
	return fmt.Sprintf("render application %q: %s: %v", e.App, e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrEscapes is the cause of an error for a path that leaves the repository.
var ErrEscapes = errors.New("path leaves the repository")

// Render renders one source. It returns every object or an error, never a part.
func Render(ctx context.Context, req Request) (*Result, error) {
	req.Limits = req.Limits.withDefaults()
	if req.deps == nil {
		req.deps = &dependencyLog{}
	}
	ctx, cancel := context.WithTimeout(ctx, req.Limits.Timeout)
	defer cancel()
	fail := func(file string, err error) (*Result, error) {
		var rerr *Error
		if errors.As(err, &rerr) {
			return nil, err
		}
		return nil, &Error{App: req.AppName, File: file, Err: err}
	}
	env := NewBuildEnv(req)
	if req.Source.Chart != "" {
		objs, err := renderRepoChart(ctx, req, env)
		if err == nil {
			err = finish(req, objs)
		}
		if err != nil {
			return fail(req.Source.Chart, err)
		}
		return &Result{Objects: objs, SourceType: v1alpha1.ApplicationSourceTypeHelm, Dependencies: req.deps.sorted()}, nil
	}
	dir, err := cleanRepoPath(req.Source.Path)
	if err != nil {
		return fail(req.Source.Path, err)
	}
	if info, err := fs.Stat(req.Repo, dir); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return fail(dir, fmt.Errorf("application path: %w", err))
	}
	tool, err := detect(req.Repo, dir, req.Source)
	if err != nil {
		return fail(dir, err)
	}
	var objs []*unstructured.Unstructured
	switch tool {
	case v1alpha1.ApplicationSourceTypeHelm:
		objs, err = renderHelm(ctx, req, env, dir)
	case v1alpha1.ApplicationSourceTypeKustomize:
		objs, err = renderKustomize(ctx, req, env, dir)
	case v1alpha1.ApplicationSourceTypeDirectory:
		objs, err = renderDirectory(ctx, req, env, dir)
	default:
		err = fmt.Errorf("config management plugins are not supported yet")
	}
	if err != nil {
		return fail(dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(dir, fmt.Errorf("render took longer than %s: %w", req.Limits.Timeout, err))
	}
	if err := finish(req, objs); err != nil {
		return fail(dir, err)
	}
	return &Result{Objects: objs, SourceType: tool, Dependencies: req.deps.sorted()}, nil
}

// cleanRepoPath turns an application or file path into a clean path inside
// the repository, refusing absolute paths and paths that climb out of it.
func cleanRepoPath(p string) (string, error) {
	if path.IsAbs(p) || strings.HasPrefix(p, "\\") {
		return "", fmt.Errorf("path %q: %w (absolute)", p, ErrEscapes)
	}
	c := path.Clean("./" + p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %q: %w", p, ErrEscapes)
	}
	return c, nil
}

// rootedRepoPath is cleanRepoPath for the paths that Argo CD reads from the
// repository root when they are absolute (value files, Jsonnet libraries):
// "/envs/prod.yaml" is "envs/prod.yaml"; "/../x" still leaves the repository.
func rootedRepoPath(p string) (string, error) {
	if !path.IsAbs(p) {
		return cleanRepoPath(p)
	}
	c := path.Clean("." + p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %q: %w", p, ErrEscapes)
	}
	return c, nil
}

// pathBelow is p relative to dir, for clean paths with p at or below dir
// ("" for dir itself).
func pathBelow(dir, p string) string {
	switch {
	case p == dir:
		return ""
	case dir == ".":
		return p
	}
	return strings.TrimPrefix(p, dir+"/")
}

// finish defaults namespaces, adds tracking ids and checks the output size.
func finish(req Request, objs []*unstructured.Unstructured) error {
	namespaced := req.Namespaced
	if namespaced == nil {
		namespaced = builtinScope(objs)
	}
	var size int64
	for _, obj := range objs {
		if obj.GetNamespace() == "" && req.Namespace != "" {
			if ns, known := namespaced(obj.GroupVersionKind().GroupKind()); ns || !known {
				obj.SetNamespace(req.Namespace)
			}
		}
		tracking.Set(req.AppName, obj)
		b, err := obj.MarshalJSON()
		if err != nil {
			return fmt.Errorf("%s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		if size += int64(len(b)); size > req.Limits.MaxOutputSize {
			return fmt.Errorf("rendered manifests exceed %d bytes", req.Limits.MaxOutputSize)
		}
	}
	return nil
}

func sourceType(s string) v1alpha1.ApplicationSourceType { return v1alpha1.ApplicationSourceType(s) }
