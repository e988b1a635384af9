package cluster

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// Discovery caches a cluster's discovery data: kinds and their scope, API
// versions and the server version. An unknown kind triggers at most one
// refresh per MinRefresh, so a render of a new CRD's objects sees it without
// every render asking the API server.
type Discovery struct {
	client discovery.DiscoveryInterface
	// MinRefresh is the least time between refreshes (default 10s).
	MinRefresh time.Duration

	mu          sync.Mutex
	loaded      time.Time
	namespaced  map[schema.GroupKind]bool
	apiVersions []string
	version     string
	generation  uint64
}

// NewDiscovery returns a discovery cache for a cluster; it loads on first use.
func NewDiscovery(client discovery.DiscoveryInterface) *Discovery {
	return &Discovery{client: client, MinRefresh: 10 * time.Second}
}

// Namespaced tells whether a kind is namespaced, and whether the cluster
// knows it; it has the signature of render.ScopeFunc.
func (d *Discovery) Namespaced(gk schema.GroupKind) (namespaced, known bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ns, ok := d.namespaced[gk]; ok {
		return ns, true
	}
	if time.Since(d.loaded) >= d.MinRefresh {
		_ = d.refreshLocked()
		if ns, ok := d.namespaced[gk]; ok {
			return ns, true
		}
	}
	return false, false
}

// APIVersions are the cluster's group/versions and group/version/kinds, as
// Helm's .Capabilities.APIVersions lists them.
func (d *Discovery) APIVersions() ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded.IsZero() {
		if err := d.refreshLocked(); err != nil {
			return nil, err
		}
	}
	return append([]string(nil), d.apiVersions...), nil
}

// KubeVersion is the server's version without the leading v, such as "1.37.2".
func (d *Discovery) KubeVersion() (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded.IsZero() {
		if err := d.refreshLocked(); err != nil {
			return "", err
		}
	}
	return d.version, nil
}

// Generation counts the refreshes that changed the known kinds or their
// scope: what was decided from this discovery (an object's namespace) may
// differ since a lower generation.
func (d *Discovery) Generation() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.generation
}

// Refresh reloads the discovery data now.
func (d *Discovery) Refresh() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.refreshLocked()
}

func (d *Discovery) refreshLocked() error {
	d.loaded = time.Now()
	v, err := d.client.ServerVersion()
	if err != nil {
		return fmt.Errorf("discovery: server version: %w", err)
	}
	_, lists, err := d.client.ServerGroupsAndResources()
	if err != nil && len(lists) == 0 {
		return fmt.Errorf("discovery: %w", err)
	}
	namespaced := map[schema.GroupKind]bool{}
	seen := map[string]bool{}
	var versions []string
	for _, list := range lists {
		gv, perr := schema.ParseGroupVersion(list.GroupVersion)
		if perr != nil {
			continue
		}
		if !seen[list.GroupVersion] {
			seen[list.GroupVersion] = true
			versions = append(versions, list.GroupVersion)
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") { // subresources
				continue
			}
			namespaced[schema.GroupKind{Group: gv.Group, Kind: r.Kind}] = r.Namespaced
			if gvk := list.GroupVersion + "/" + r.Kind; !seen[gvk] {
				seen[gvk] = true
				versions = append(versions, gvk)
			}
		}
	}
	if !maps.Equal(d.namespaced, namespaced) {
		d.generation++
	}
	d.namespaced, d.apiVersions = namespaced, versions
	d.version = strings.TrimPrefix(v.GitVersion, "v")
	return nil
}

// Ping asks the server for its version, uncached: it tells whether the
// cluster answers now.
func (d *Discovery) Ping(ctx context.Context) error {
	return d.client.RESTClient().Get().AbsPath("/version").Do(ctx).Error()
}
