package cluster

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/diff"
)

// Destination is one cluster that applications deploy to, with everything
// kept per cluster: the watch cache of live objects, discovery, the
// comparison cache and the writer of syncs. The controller and the CLI
// build it the same way (Connect, Registry).
type Destination struct {
	// Server is the cluster's API server URL.
	Server string
	// Name is the cluster's name (in-cluster for the controller's own).
	Name string
	// Project is the project the cluster Secret is scoped to ("" if none).
	Project string
	// SecretName is the cluster Secret's name ("" for in-cluster).
	SecretName string
	// Version is the resourceVersion of the cluster Secret it was built
	// from ("" for the in-cluster destination).
	Version string
	// Live watches and serves live objects.
	Live *LiveCache
	// Discovery knows kinds, scopes and versions.
	Discovery *Discovery
	// Differ compares desired objects with live ones.
	Differ *diff.Differ
	// Writer makes syncs' changes.
	Writer *Writer
	// Config reaches the cluster, for clients of other kinds (the API
	// server's typed Rollout client).
	Config *rest.Config
	conn   *connTracker
}

// ConnectOptions configure a destination.
type ConnectOptions struct {
	// FieldManager is the field manager of syncs and comparisons.
	FieldManager string
	// Mapper maps kinds to resources (default: a dynamic mapper of cfg).
	Mapper meta.RESTMapper
	// OnChange hears of every change to a tracked live object, with its
	// application instance.
	OnChange func(app string)
	// Namespaces and ClusterResources scope a namespace-scoped cluster
	// (see LiveCacheOptions).
	Namespaces       []string
	ClusterResources bool
}

// Connect builds the destination of the cluster at server; informers
// start on first use, so connecting makes no request. Watches reconnect as
// soon as the cluster answers again (WatchConfig), and their failed
// connections tell Down that the cluster is down.
func Connect(server string, cfg *rest.Config, o ConnectOptions) (*Destination, error) {
	conn := &connTracker{}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(conn.wrap)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: dynamic client: %w", server, err)
	}
	watch, err := dynamic.NewForConfig(WatchConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("cluster %s: dynamic client: %w", server, err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: discovery client: %w", server, err)
	}
	mapper := o.Mapper
	if mapper == nil {
		hc, err := rest.HTTPClientFor(cfg)
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", server, err)
		}
		if mapper, err = apiutil.NewDynamicRESTMapper(cfg, hc); err != nil {
			return nil, fmt.Errorf("cluster %s: rest mapper: %w", server, err)
		}
	}
	live := NewLiveCache(LiveCacheOptions{Client: dyn, Watch: watch, Mapper: mapper,
		Namespaces: o.Namespaces, ClusterResources: o.ClusterResources})
	live.OnChange = o.OnChange
	d := &Destination{Server: server, Live: live, Discovery: NewDiscovery(dc), Config: cfg, conn: conn}
	d.Writer = NewWriter(live, o.FieldManager)
	d.Differ = &diff.Differ{Cluster: d.Writer}
	// What a sync just applied needs no dry run at the next comparison.
	d.Writer.applied = func(desired, got *unstructured.Unstructured) { d.Differ.Remember(desired, got, nil) }
	return d, nil
}

// Stop stops the destination's watches.
func (d *Destination) Stop() { d.Live.Stop() }

// Reachable asks the cluster for its version, with a short deadline: a
// cluster that is down is reported at once, not after informer timeouts.
func (d *Destination) Reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return d.unreachable(d.Discovery.Ping(ctx))
}

// Down reports a cluster that is down: the last request to it (the
// watches retry on their own) failed to connect. It costs no request.
func (d *Destination) Down() error { return d.unreachable(d.conn.failure()) }

// unreachable names the cluster in a connection error; nil stays nil.
func (d *Destination) unreachable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cluster %s is unreachable: %w", d.Server, err)
}

// Registry finds and keeps the destination clusters: the one the
// controller runs in, and those of cluster Secrets in its namespace (label
// argocd.argoproj.io/secret-type: cluster), as Argo CD declares them. A
// destination is rebuilt when its Secret changes.
type Registry struct {
	// Client reads cluster Secrets.
	Client client.Reader
	// Namespace holds the cluster Secrets.
	Namespace string
	// Local is the in-cluster destination (InCluster).
	Local *Destination
	// Options configure the destinations of cluster Secrets.
	Options ConnectOptions

	mu     sync.Mutex
	remote map[string]*Destination // by server URL
}

// Resolve returns the cluster an application deploys to. The destination
// names the cluster by server URL or by name, never both.
func (r *Registry) Resolve(ctx context.Context, d v1alpha1.ApplicationDestination) (*Destination, error) {
	secret, err := FindSecret(ctx, r.Client, r.Namespace, d)
	if err != nil {
		return nil, err
	}
	if secret == nil {
		if r.Local == nil {
			return nil, fmt.Errorf("destination %s%s: no in-cluster destination", d.Server, d.Name)
		}
		return r.Local, nil
	}
	return r.connect(secret)
}

// Scoped lists the clusters whose Secret scopes them to a project (the
// Secret's project key), for permitOnlyProjectScopedClusters.
func (r *Registry) Scoped(ctx context.Context, project string) ([]ClusterInfo, error) {
	var list corev1.SecretList
	if err := r.Client.List(ctx, &list, client.InNamespace(r.Namespace), client.MatchingLabels{SecretTypeLabel: SecretTypeCluster}); err != nil {
		return nil, fmt.Errorf("list cluster secrets: %w", err)
	}
	var out []ClusterInfo
	for i := range list.Items {
		info, err := SecretInfo(&list.Items[i])
		if err == nil && info.Project == project {
			out = append(out, info)
		}
	}
	return out, nil
}

// connect returns the destination of a Secret, rebuilt when it changed.
func (r *Registry) connect(s *corev1.Secret) (*Destination, error) {
	server := string(s.Data["server"])
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.remote[server]; ok && d.Version == s.ResourceVersion {
		return d, nil
	}
	info, err := SecretInfo(s)
	if err != nil {
		return nil, err
	}
	cfg, err := SecretConfig(s)
	if err != nil {
		return nil, err
	}
	opts := r.Options
	opts.Namespaces, opts.ClusterResources = info.Namespaces, info.ClusterResources
	d, err := Connect(server, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("cluster secret %s/%s: %w", s.Namespace, s.Name, err)
	}
	d.Version = s.ResourceVersion
	d.Name, d.Project, d.SecretName = info.Name, info.Project, info.SecretName
	if old, ok := r.remote[server]; ok {
		old.Stop()
	}
	if r.remote == nil {
		r.remote = map[string]*Destination{}
	}
	r.remote[server] = d
	return d, nil
}

// connTracker remembers whether the last request to a cluster failed to
// reach it. Watches retry a cluster that went away every quarter second,
// so the tracker follows the cluster's state without requests of its own.
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

// Namespaced tells whether a kind is namespaced in the cluster and whether
// the cluster knows it (render.ScopeFunc): discovery's answer, or, for a
// kind discovery does not know yet, such as one whose CRD was created
// since discovery's last refresh, the REST mapper's, which asks the API
// server again. Argo CD reads the scope from its cluster cache, which
// watches CRDs; an object of a kind guessed namespaced would get the
// destination namespace and a tracking id naming it.
func (d *Destination) Namespaced(gk schema.GroupKind) (namespaced, known bool) {
	if ns, ok := d.Discovery.Namespaced(gk); ok {
		return ns, true
	}
	return d.Live.Scope(gk)
}
