package render

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/registry"
)

// isOCI tells an OCI registry from a classic Helm repository: oci:// or no
// scheme at all, as Argo CD writes Helm OCI repositories.
func isOCI(repoURL string) bool {
	return strings.HasPrefix(repoURL, "oci://") || !strings.Contains(repoURL, "://")
}

// fetchOCI pulls a chart from an OCI registry with Helm's registry client,
// resolving a version constraint against the repository's tags.
func (h *HTTPCharts) fetchOCI(ctx context.Context, repoURL, chart, version string) ([]byte, string, error) {
	ref := strings.TrimSuffix(strings.TrimPrefix(repoURL, "oci://"), "/") + "/" + chart
	opts := []registry.ClientOption{registry.ClientOptWriter(io.Discard)}
	if h.PlainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	if h.Client != nil {
		opts = append(opts, registry.ClientOptHTTPClient(h.Client))
	}
	if h.BasicAuth != nil {
		if user, pass := h.BasicAuth(repoURL); user != "" || pass != "" {
			opts = append(opts, registry.ClientOptBasicAuth(user, pass))
		}
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return nil, "", fmt.Errorf("helm OCI registry %s: %w", repoURL, err)
	}
	resolved, err := resolveOCIVersion(client, ref, version)
	if err != nil {
		return nil, "", fmt.Errorf("helm OCI registry %s: chart %q version %q: %w", repoURL, chart, version, err)
	}
	key := repoURL + "\x00" + chart + "\x00" + resolved
	h.mu.Lock()
	archive, ok := h.archives[key]
	h.mu.Unlock()
	if ok {
		return archive, resolved, nil
	}
	type pulled struct{ data []byte }
	res, err := withDeadline(ctx, func() (pulled, error) {
		r, err := client.Pull(ref+":"+strings.ReplaceAll(resolved, "+", "_"), registry.PullOptWithChart(true))
		if err != nil {
			return pulled{}, err
		}
		return pulled{r.Chart.Data}, nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("helm OCI registry %s: pull %s %s: %w", repoURL, chart, resolved, err)
	}
	h.mu.Lock()
	if h.archives == nil {
		h.archives = map[string][]byte{}
	}
	h.archives[key] = res.data
	h.mu.Unlock()
	return res.data, resolved, nil
}

// resolveOCIVersion returns version when it is exact, else the highest tag
// that satisfies it as a semver constraint ("" means the highest of all).
func resolveOCIVersion(client *registry.Client, ref, version string) (string, error) {
	if _, err := semver.StrictNewVersion(strings.TrimPrefix(version, "v")); err == nil && version != "" {
		return strings.TrimPrefix(version, "v"), nil
	}
	constraint := version
	if constraint == "" {
		constraint = "*"
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return "", fmt.Errorf("not a version or constraint: %w", err)
	}
	tags, err := client.Tags(ref)
	if err != nil {
		return "", err
	}
	for _, tag := range tags { // highest first
		if v, err := semver.NewVersion(tag); err == nil && c.Check(v) {
			return tag, nil
		}
	}
	return "", fmt.Errorf("no tag satisfies it (tags: %s)", strings.Join(tags, ", "))
}
