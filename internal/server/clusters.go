package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	tcluster "github.com/tiphys/tiphys/internal/cluster"
)

// Clusters finds the live objects of an application's destination cluster,
// for the resource tree and managed resources.
type Clusters interface {
	// Live resolves a destination (by server URL or name) to its cluster.
	Live(ctx context.Context, dest v1alpha1.ApplicationDestination) (LiveObjects, error)
	// Client is a typed client of a destination with scheme; nil for the
	// server's own cluster (the server's client serves it).
	Client(ctx context.Context, dest v1alpha1.ApplicationDestination, scheme *runtime.Scheme) (client.Client, error)
}

// LiveObjects reads the live objects of one cluster.
type LiveObjects interface {
	// Get returns an object, or nil when it does not exist.
	Get(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error)
	// List returns the objects of a kind in a namespace.
	List(ctx context.Context, gvk schema.GroupVersionKind, namespace string) ([]*unstructured.Unstructured, error)
}

// appLive is the live objects of an application's destination cluster.
func (s *Server) appLive(ctx context.Context, a *v1alpha1.Application) (LiveObjects, error) {
	if s.opts.Clusters == nil {
		return nil, errorf(http.StatusNotImplemented, "this server reads no destination clusters")
	}
	live, err := s.opts.Clusters.Live(ctx, a.Spec.Destination)
	if err != nil {
		return nil, fmt.Errorf("application %s: destination: %w", a.Name, err)
	}
	return live, nil
}

// getManaged reads the live object of one of an app's resources; nil when
// it does not exist or its kind is no longer served (a deleted CRD).
func getManaged(ctx context.Context, live LiveObjects, r v1alpha1.ResourceStatus) (*unstructured.Unstructured, error) {
	gvk := schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
	obj, err := live.Get(ctx, gvk, r.Namespace, r.Name)
	if meta.IsNoMatchError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s/%s: %w", r.Kind, r.Namespace, r.Name, err)
	}
	return obj, nil
}

// RegistryClusters serves Clusters from a cluster.Registry, the controller's
// way to find destinations: live objects come from each destination's watch
// cache, so a tree costs no API request once its kinds are watched.
func RegistryClusters(r *tcluster.Registry) Clusters { return &registryClusters{registry: r} }

type registryClusters struct {
	registry *tcluster.Registry
	clients  sync.Map // *tcluster.Destination → client.Client
}

func (r *registryClusters) Client(ctx context.Context, dest v1alpha1.ApplicationDestination, scheme *runtime.Scheme) (client.Client, error) {
	d, err := r.registry.Resolve(ctx, dest)
	if err != nil {
		return nil, err
	}
	if d.Name == tcluster.InClusterName || d.Config == nil {
		return nil, nil
	}
	if c, ok := r.clients.Load(d); ok {
		return c.(client.Client), nil
	}
	c, err := client.New(d.Config, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", d.Name, err)
	}
	r.clients.Store(d, c)
	return c, nil
}

func (r *registryClusters) Live(ctx context.Context, dest v1alpha1.ApplicationDestination) (LiveObjects, error) {
	d, err := r.registry.Resolve(ctx, dest)
	if err != nil {
		return nil, err
	}
	return liveCache{d.Live}, nil
}

// liveCache adds a namespace listing to cluster.LiveCache, read from the
// informers' namespace index.
type liveCache struct{ *tcluster.LiveCache }

func (c liveCache) List(ctx context.Context, gvk schema.GroupVersionKind, namespace string) ([]*unstructured.Unstructured, error) {
	if !c.InScope(namespace) {
		return nil, nil
	}
	infs, err := c.Watch(ctx, gvk)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, inf := range infs {
		objs, err := inf.GetIndexer().ByIndex(cache.NamespaceIndex, namespace)
		if err != nil {
			return nil, fmt.Errorf("list %s in %s: %w", gvk.Kind, namespace, err)
		}
		for _, o := range objs {
			if u, ok := o.(*unstructured.Unstructured); ok {
				out = append(out, u)
			}
		}
	}
	return out, nil
}
