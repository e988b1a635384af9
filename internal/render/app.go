package render

import (
	"context"
	"fmt"
	"io/fs"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// SourceOpener opens the repository of a source at its target revision.
type SourceOpener func(ctx context.Context, src v1alpha1.ApplicationSource) (fs.FS, string, error)

// AppRequest is a whole application to render: every source, with the
// sources that carry a ref available to the others as $ref.
type AppRequest struct {
	// AppName is the application's instance name.
	AppName string
	// Spec is the application's spec.
	Spec v1alpha1.ApplicationSpec
	// Open opens a source's repository.
	Open SourceOpener
	// KubeVersion, APIVersions, Namespaced and Limits are as in Request.
	KubeVersion string
	APIVersions []string
	Namespaced  ScopeFunc
	Limits      Limits
	// Charts fetches charts from Helm repositories.
	Charts ChartFetcher
	// Remote opens repositories of remote kustomize bases.
	Remote RemoteOpener
	// Render renders one source; nil uses Render (pass Cache.Render to cache).
	Render func(context.Context, Request) (*Result, error)
}

// AppResult is a rendered application.
type AppResult struct {
	// Objects of all sources, in source order.
	Objects []*unstructured.Unstructured
	// Revisions are the resolved revisions, one per source.
	Revisions []string
	// SourceTypes are the rendering tools, one per source ("" for a ref-only source).
	SourceTypes []v1alpha1.ApplicationSourceType
	// Dependencies of all sources (see Result.Dependencies).
	Dependencies []Dependency
}

// RenderApp renders every source of an application. A source with a ref and
// no path or chart only lends its files to the others, as in Argo CD.
func RenderApp(ctx context.Context, req AppRequest) (*AppResult, error) {
	sources := req.Spec.Sources
	if len(sources) == 0 && req.Spec.Source != nil {
		sources = v1alpha1.ApplicationSources{*req.Spec.Source}
	}
	if len(sources) == 0 {
		return nil, &Error{App: req.AppName, Err: fmt.Errorf("application has no source")}
	}
	renderOne := req.Render
	if renderOne == nil {
		renderOne = Render
	}
	out := &AppResult{}
	opened := make([]fs.FS, len(sources))
	refs := map[string]fs.FS{}
	for i, src := range sources {
		fsys, rev, err := req.Open(ctx, src)
		if err != nil {
			return nil, &Error{App: req.AppName, Err: fmt.Errorf("source %d (%s): %w", i+1, src.RepoURL, err)}
		}
		opened[i] = fsys
		out.Revisions = append(out.Revisions, rev)
		if src.Ref != "" {
			refs[src.Ref] = fsys
		}
	}
	for i, src := range sources {
		if src.Ref != "" && src.Path == "" && src.Chart == "" {
			out.SourceTypes = append(out.SourceTypes, "")
			continue
		}
		res, err := renderOne(ctx, Request{
			AppName: req.AppName, Namespace: req.Spec.Destination.Namespace, Project: req.Spec.Project,
			Source: src, Revision: out.Revisions[i], Repo: opened[i], Refs: refs,
			KubeVersion: req.KubeVersion, APIVersions: req.APIVersions,
			Namespaced: req.Namespaced, Limits: req.Limits, Charts: req.Charts, Remote: req.Remote,
		})
		if err != nil {
			return nil, err
		}
		out.Objects = append(out.Objects, clearClusterScoped(req.AppName, res.Objects, req.Namespaced)...)
		out.SourceTypes = append(out.SourceTypes, res.SourceType)
		out.Dependencies = append(out.Dependencies, res.Dependencies...)
	}
	return out, nil
}
