// Package source opens the repositories an application's sources name: a
// Git repository at a resolved revision through the shared clone cache, or
// a local directory standing in for a repository URL.
package source

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Opener opens sources.
type Opener struct {
	// Git is the clone cache.
	Git *git.Cache
	// LocalPaths maps repository URLs to local directories used instead of
	// the repository (tiphys app manifests --repo-path).
	LocalPaths map[string]string
	// Credentials returns the credentials for a repository URL (see
	// git.SecretCredentials); nil means anonymous.
	Credentials func(ctx context.Context, url string) (git.Credentials, error)
	// Refresh makes every Git repository opened list its remote's refs
	// afresh, as a user's refresh (the argocd.argoproj.io/refresh
	// annotation, normal or hard) asks; otherwise a listing made less than
	// git.CacheOptions.ListInterval ago, for any application, answers.
	Refresh bool
}

// Opened is a source's repository at a revision.
type Opened struct {
	// FS is the repository's files, rooted at the repository root.
	FS fs.FS
	// Revision is the resolved commit SHA, or "local" for a local directory.
	Revision string
}

// Open resolves src.TargetRevision and returns the repository's files.
func (o *Opener) Open(ctx context.Context, src v1alpha1.ApplicationSource) (*Opened, error) {
	if src.Chart != "" {
		// A Helm repository: the renderer fetches the chart itself.
		return &Opened{FS: nil, Revision: src.TargetRevision}, nil
	}
	if dir, ok := o.localPath(src.RepoURL); ok {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, fmt.Errorf("local path for %s: %w", src.RepoURL, err)
		}
		// os.Root refuses paths and symlinks that leave the directory.
		return &Opened{FS: root.FS(), Revision: "local"}, nil
	}
	if o.Git == nil {
		return nil, fmt.Errorf("repository %s: no Git cache", git.RedactURL(src.RepoURL))
	}
	repo, err := o.Git.Repo(src.RepoURL)
	if err != nil {
		return nil, err
	}
	var creds git.Credentials
	if o.Credentials != nil {
		if creds, err = o.Credentials(ctx, src.RepoURL); err != nil {
			return nil, err
		}
	}
	sha, err := repo.Resolve(ctx, src.TargetRevision, creds, git.FetchOptions{Refresh: o.Refresh})
	if err != nil {
		return nil, err
	}
	tree, err := repo.FS(sha)
	if err != nil {
		return nil, err
	}
	return &Opened{FS: tree, Revision: sha}, nil
}

func (o *Opener) localPath(url string) (string, bool) {
	want := git.NormalizeURL(url)
	for u, dir := range o.LocalPaths {
		if git.NormalizeURL(u) == want {
			return dir, true
		}
	}
	return "", false
}

// Source opens a source as the renderer asks for it (render.SourceOpener):
// its files and the resolved revision.
func (o *Opener) Source(ctx context.Context, src v1alpha1.ApplicationSource) (fs.FS, string, error) {
	opened, err := o.Open(ctx, src)
	if err != nil {
		return nil, "", err
	}
	return opened.FS, opened.Revision, nil
}

// Remote opens a repository at a revision for a remote kustomize base
// (render.RemoteOpener).
func (o *Opener) Remote(ctx context.Context, repoURL, revision string) (fs.FS, error) {
	opened, err := o.Open(ctx, v1alpha1.ApplicationSource{RepoURL: repoURL, TargetRevision: revision})
	if err != nil {
		return nil, err
	}
	return opened.FS, nil
}
