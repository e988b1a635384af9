package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing/fstest"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/repo"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// ChartFetcher fetches a chart archive (.tgz) from a Helm repository and
// reports the version it resolved.
type ChartFetcher interface {
	Fetch(ctx context.Context, repoURL, chart, version string) (archive []byte, resolved string, err error)
}

// HTTPCharts fetches charts from Helm repositories: classic ones
// (index.yaml, then the archive it points to) and OCI registries (oci://host/path
// or host/path). Archives are immutable per version and kept in memory.
type HTTPCharts struct {
	// Client makes the requests (default http.DefaultClient).
	Client *http.Client
	// PlainHTTP talks to OCI registries without TLS.
	PlainHTTP bool
	// BasicAuth returns credentials for a repository URL, or empty strings.
	BasicAuth func(repoURL string) (user, password string)

	mu       sync.Mutex
	archives map[string][]byte
}

// Fetch resolves version (an exact version or a semver constraint; empty
// means the latest) in the repository's index and downloads the archive.
func (h *HTTPCharts) Fetch(ctx context.Context, repoURL, chart, version string) ([]byte, string, error) {
	if isOCI(repoURL) {
		return h.fetchOCI(ctx, repoURL, chart, version)
	}
	base := strings.TrimSuffix(repoURL, "/") + "/"
	data, err := h.get(ctx, repoURL, base+"index.yaml")
	if err != nil {
		return nil, "", fmt.Errorf("helm repository %s: index: %w", repoURL, err)
	}
	idx := &repo.IndexFile{}
	if err := yaml.Unmarshal(data, idx); err != nil {
		return nil, "", fmt.Errorf("helm repository %s: index: %w", repoURL, err)
	}
	idx.SortEntries()
	cv, err := idx.Get(chart, version)
	if err != nil {
		return nil, "", fmt.Errorf("helm repository %s: chart %q version %q: %w", repoURL, chart, version, err)
	}
	if len(cv.URLs) == 0 {
		return nil, "", fmt.Errorf("helm repository %s: chart %q %s has no download URL", repoURL, chart, cv.Version)
	}
	key := repoURL + "\x00" + chart + "\x00" + cv.Version
	h.mu.Lock()
	archive, ok := h.archives[key]
	h.mu.Unlock()
	if ok {
		return archive, cv.Version, nil
	}
	ref, err := url.Parse(cv.URLs[0])
	if err != nil {
		return nil, "", fmt.Errorf("helm repository %s: chart URL %q: %w", repoURL, cv.URLs[0], err)
	}
	baseURL, _ := url.Parse(base)
	archive, err = h.get(ctx, repoURL, baseURL.ResolveReference(ref).String())
	if err != nil {
		return nil, "", fmt.Errorf("helm repository %s: chart %q %s: %w", repoURL, chart, cv.Version, err)
	}
	h.mu.Lock()
	if h.archives == nil {
		h.archives = map[string][]byte{}
	}
	h.archives[key] = archive
	h.mu.Unlock()
	return archive, cv.Version, nil
}

func (h *HTTPCharts) get(ctx context.Context, repoURL, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if h.BasicAuth != nil {
		if user, pass := h.BasicAuth(repoURL); user != "" || pass != "" {
			req.SetBasicAuth(user, pass)
		}
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// renderRepoChart renders a chart from a Helm repository: the archive's
// files become the repository the Helm renderer reads.
func renderRepoChart(ctx context.Context, req Request, env *BuildEnv) ([]*unstructured.Unstructured, error) {
	if req.Charts == nil {
		return nil, errors.New("no Helm repository client configured")
	}
	archive, version, err := req.Charts.Fetch(ctx, req.Source.RepoURL, req.Source.Chart, req.Source.TargetRevision)
	if err != nil {
		return nil, err
	}
	files, err := loader.LoadArchiveFiles(bytes.NewReader(archive))
	if err != nil {
		return nil, fmt.Errorf("helm chart %q: %w", req.Source.Chart, err)
	}
	// The chart is the whole repository, as in Argo CD: an absolute values
	// file path is relative to the chart.
	mem := fstest.MapFS{}
	for _, f := range files {
		mem[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o444}
	}
	chartReq := req
	chartReq.Repo, chartReq.Revision = mem, version
	return renderHelm(ctx, chartReq, env.withRevision(version), ".")
}
