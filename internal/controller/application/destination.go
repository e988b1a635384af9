package application

import (
	"context"
	"fmt"
	"net/http"
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
	sync    *cluster.Writer
	// conn tells whether the cluster answers.
	conn *connTracker
}

// newDestCluster connects to a cluster; informers start on first use.
func newDestCluster(server string, cfg *rest.Config, mapper meta.RESTMapper, onChange func(string)) (*destCluster, error) {
	conn := &connTracker{}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(conn.wrap)
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
	// Watches reconnect as soon as the cluster answers again; their failed
	// connections still tell the tracker that it is down.
	watch, err := dynamic.NewForConfig(cluster.WatchConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("cluster %s: dynamic client: %w", server, err)
	}
	live := cluster.NewLiveCache(cluster.LiveCacheOptions{Client: dyn, Watch: watch, Mapper: mapper})
	d := &destCluster{server: server, live: live, disc: cluster.NewDiscovery(dc), conn: conn}
	d.differ = &diff.Differ{Resources: d.live, FieldManager: FieldManager}
	d.sync = cluster.NewWriter(d.live, FieldManager, func(desired, live *unstructured.Unstructured) {
		d.differ.Remember(desired, live, nil)
	})
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
	return d.unreachable(d.disc.Ping(ctx))
}

// down reports a cluster that is down: the last request to it (the watches
// retry on their own) failed to connect. It costs no request.
func (d *destCluster) down() error {
	return d.unreachable(d.conn.failure())
}

// unreachable names the cluster in a connection error; nil stays nil.
func (d *destCluster) unreachable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cluster %s is unreachable: %w", d.server, err)
}

// connTracker remembers whether the last request to a cluster failed to
// reach it. Watches retry a cluster that went away every second or so, so
// the tracker follows the cluster's state without requests of its own.
type connTracker struct {
	mu  sync.Mutex
	err error
}

func (t *connTracker) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

func (t *connTracker) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if req.Context().Err() != nil {
			return resp, err // cancelled by the caller: says nothing of the cluster
		}
		t.mu.Lock()
		t.err = err
		t.mu.Unlock()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
