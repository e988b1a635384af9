package application

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/diff"
)

// destCluster is what the controller keeps per destination cluster: the
// watch cache of live objects, discovery, comparison results and the
// cluster side of syncs.
type destCluster struct {
	server string
	// version is the resourceVersion of the cluster Secret it was built
	// from ("" for the in-cluster destination).
	version string
	live    *cluster.LiveCache
	disc    *cluster.Discovery
	differ  *diff.Differ
	sync    *syncCluster
}

// newDestCluster connects to a cluster; informers start on first use.
func newDestCluster(server string, cfg *rest.Config, mapper meta.RESTMapper, onChange func(string)) (*destCluster, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: dynamic client: %w", server, err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: discovery client: %w", server, err)
	}
	if mapper == nil {
		hc, err := rest.HTTPClientFor(cfg)
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", server, err)
		}
		if mapper, err = apiutil.NewDynamicRESTMapper(cfg, hc); err != nil {
			return nil, fmt.Errorf("cluster %s: rest mapper: %w", server, err)
		}
	}
	d := &destCluster{server: server, live: cluster.NewLiveCache(dyn, mapper), disc: cluster.NewDiscovery(dc)}
	d.differ = &diff.Differ{Resources: d.live, FieldManager: FieldManager}
	d.sync = &syncCluster{live: d.live, applied: func(desired, live *unstructured.Unstructured) {
		d.differ.Remember(desired, live, nil)
	}}
	d.live.OnChange = onChange
	return d, nil
}

// clusters finds and keeps the destination clusters: the one the
// controller runs in, and those of cluster Secrets in the controller's
// namespace (label argocd.argoproj.io/secret-type: cluster), as Argo CD
// declares them.
type clusters struct {
	client    client.Reader
	namespace string
	local     *destCluster
	onChange  func(string)

	mu     sync.Mutex
	remote map[string]*destCluster // by server URL
}

// resolve returns the cluster an application deploys to. The destination
// names the cluster by server URL or by name, never both.
func (c *clusters) resolve(ctx context.Context, d v1alpha1.ApplicationDestination) (*destCluster, error) {
	secret, err := cluster.FindSecret(ctx, c.client, c.namespace, d)
	if err != nil {
		return nil, err
	}
	if secret == nil {
		return c.local, nil
	}
	return c.connect(secret)
}

// connect returns the cluster of a Secret, rebuilt when the Secret changed.
func (c *clusters) connect(s *corev1.Secret) (*destCluster, error) {
	server := string(s.Data["server"])
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.remote[server]; ok && d.version == s.ResourceVersion {
		return d, nil
	}
	cfg, err := cluster.SecretConfig(s)
	if err != nil {
		return nil, err
	}
	d, err := newDestCluster(server, cfg, nil, c.onChange)
	if err != nil {
		return nil, fmt.Errorf("cluster secret %s/%s: %w", s.Namespace, s.Name, err)
	}
	d.version = s.ResourceVersion
	if old, ok := c.remote[server]; ok {
		old.live.Stop()
	}
	if c.remote == nil {
		c.remote = map[string]*destCluster{}
	}
	c.remote[server] = d
	return d, nil
}

// reachable asks the cluster for its version, with a short deadline: a
// cluster that is down is reported at once, not after informer timeouts.
func (d *destCluster) reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.disc.Ping(ctx); err != nil {
		return fmt.Errorf("cluster %s is unreachable: %w", d.server, err)
	}
	return nil
}

// checkWatches reports a cluster that is down: after a watch of the cluster
// failed, the cluster is asked for its version (one request per reconcile
// while the failure lasts, none otherwise) until it answers again.
func (d *destCluster) checkWatches(ctx context.Context) error {
	if d.live.WatchError() == nil {
		return nil
	}
	if err := d.reachable(ctx); err != nil {
		return err
	}
	d.live.ClearWatchError()
	return nil
}
