package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/tiphys/tiphys/internal/tracking"
)

// appIndex indexes live objects by the application instance in their tracking id.
const appIndex = "app"

// LiveCache watches the kinds that applications manage in one cluster and
// serves their live objects from memory: comparing an application costs no
// API request. Informers start on demand, the first time a kind is needed.
// A change to a tracked object calls OnChange with its application instance.
// Cached objects carry no managedFields (a quarter of their memory);
// ManagedFields reads them when an ignore rule needs them.
type LiveCache struct {
	dynamic dynamic.Interface
	watch   dynamic.Interface
	mapper  meta.RESTMapper
	// namespaces scope the watches of a namespace-scoped cluster; nil
	// watches the whole cluster.
	namespaces       []string
	clusterResources bool
	// OnChange is called with the application instance of a changed object.
	OnChange func(app string)

	mu        sync.Mutex
	factories map[string]dynamicinformer.DynamicSharedInformerFactory // by namespace, "" for the cluster
	informers map[informerKey]cache.SharedIndexInformer
	stop      chan struct{}

	managedMu sync.Mutex
	managed   map[types.UID]managedFields
}

// informerKey is one watch: a resource in a namespace ("" for the whole
// cluster or a cluster-scoped kind).
type informerKey struct {
	resource  schema.GroupVersionResource
	namespace string
}

// managedFields are an object's managedFields at a resourceVersion.
type managedFields struct {
	version string
	entries []metav1.ManagedFieldsEntry
}

// LiveCacheOptions configure a live cache.
type LiveCacheOptions struct {
	// Client reads and writes single objects.
	Client dynamic.Interface
	// Watch lists and watches for the informers (default Client); see
	// WatchConfig for one that reconnects at once after an outage.
	Watch dynamic.Interface
	// Mapper maps kinds to resources.
	Mapper meta.RESTMapper
	// Namespaces, when set, are the only namespaces watched (a cluster
	// Secret's namespaces key): namespaced kinds are watched in each of
	// them, cluster-scoped kinds only with ClusterResources.
	Namespaces       []string
	ClusterResources bool
}

// NewLiveCache returns a live cache for a cluster.
func NewLiveCache(o LiveCacheOptions) *LiveCache {
	watch := o.Watch
	if watch == nil {
		watch = o.Client
	}
	return &LiveCache{
		dynamic: o.Client, watch: watch, mapper: o.Mapper,
		namespaces: o.Namespaces, clusterResources: o.ClusterResources,
		factories: map[string]dynamicinformer.DynamicSharedInformerFactory{},
		informers: map[informerKey]cache.SharedIndexInformer{},
		stop:      make(chan struct{}),
	}
}

// Scoped reports whether the cache watches only some namespaces.
func (c *LiveCache) Scoped() bool { return len(c.namespaces) > 0 }

// InScope reports whether an object's namespace (or, for a
// cluster-scoped one, its kind) is managed in this cluster: everything on a
// cluster-wide destination; on a namespace-scoped one, the listed
// namespaces, and cluster-scoped kinds only with clusterResources.
func (c *LiveCache) InScope(namespace string) bool {
	if !c.Scoped() {
		return true
	}
	if namespace == "" {
		return c.clusterResources
	}
	return slices.Contains(c.namespaces, namespace)
}

// watchNamespaces are the namespaces an informer of a kind watches:
// the whole cluster (""), or each scoped namespace for a namespaced kind.
func (c *LiveCache) watchNamespaces(namespaced bool) ([]string, error) {
	switch {
	case !c.Scoped():
		return []string{""}, nil
	case namespaced:
		return c.namespaces, nil
	case c.clusterResources:
		return []string{""}, nil
	}
	return nil, errors.New("cluster-scoped kinds are not managed in this namespace-scoped cluster (its Secret has namespaces and no clusterResources)")
}

// factory is the informer factory of a namespace ("" for the cluster);
// c.mu is held.
func (c *LiveCache) factory(namespace string) dynamicinformer.DynamicSharedInformerFactory {
	f, ok := c.factories[namespace]
	if !ok {
		f = dynamicinformer.NewFilteredDynamicSharedInformerFactory(c.watch, 0, namespace, nil)
		c.factories[namespace] = f
	}
	return f
}

// Stop stops every informer.
func (c *LiveCache) Stop() { close(c.stop) }

// Mapping returns the resource and scope of a kind.
func (c *LiveCache) Mapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		if resettable, ok := c.mapper.(meta.ResettableRESTMapper); ok {
			resettable.Reset()
			m, err = c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("kind %s: %w", gvk, err)
	}
	return m, nil
}

// Scope tells whether a kind is namespaced and whether the REST mapper
// knows it, asking the API server again (a mapper reset) when it does not.
func (c *LiveCache) Scope(gk schema.GroupKind) (namespaced, known bool) {
	m, err := c.mapper.RESTMapping(gk)
	if err != nil {
		if resettable, ok := c.mapper.(meta.ResettableRESTMapper); ok {
			resettable.Reset()
			m, err = c.mapper.RESTMapping(gk)
		}
	}
	if err != nil {
		return false, false
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, true
}

// Watch makes sure the kind is watched and its informers synced: one for
// the whole cluster, or one per namespace of a namespace-scoped cluster.
func (c *LiveCache) Watch(ctx context.Context, gvk schema.GroupVersionKind) ([]cache.SharedIndexInformer, error) {
	m, err := c.Mapping(gvk)
	if err != nil {
		return nil, err
	}
	namespaces, err := c.watchNamespaces(m.Scope.Name() == meta.RESTScopeNameNamespace)
	if err != nil {
		return nil, fmt.Errorf("kind %s: %w", gvk.GroupKind(), err)
	}
	infs := make([]cache.SharedIndexInformer, 0, len(namespaces))
	c.mu.Lock()
	for _, ns := range namespaces {
		key := informerKey{resource: m.Resource, namespace: ns}
		inf, ok := c.informers[key]
		if !ok {
			inf = c.factory(ns).ForResource(m.Resource).Informer()
			_ = inf.SetTransform(stripManagedFields)
			_ = inf.AddIndexers(cache.Indexers{appIndex: indexByApp})
			_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
				AddFunc:    c.notify,
				UpdateFunc: func(old, obj any) { c.notify(old); c.notify(obj) },
				DeleteFunc: c.notify,
			})
			c.informers[key] = inf
			go inf.Run(c.stop)
		}
		infs = append(infs, inf)
	}
	c.mu.Unlock()
	syncCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, inf := range infs {
		if !cache.WaitForCacheSync(syncCtx.Done(), inf.HasSynced) {
			return nil, fmt.Errorf("watch %s: cache did not sync", m.Resource)
		}
	}
	return infs, nil
}

// Watches is the number of watches the cache runs, one per kind and
// namespace watched.
func (c *LiveCache) Watches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.informers)
}

func stripManagedFields(o any) (any, error) {
	if u, ok := o.(*unstructured.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return o, nil
}

// ManagedFields returns the managedFields of a live object: its own when it
// has them, else read from the API server once per resourceVersion.
func (c *LiveCache) ManagedFields(ctx context.Context, live *unstructured.Unstructured) ([]metav1.ManagedFieldsEntry, error) {
	if mf := live.GetManagedFields(); len(mf) > 0 {
		return mf, nil
	}
	c.managedMu.Lock()
	got, ok := c.managed[live.GetUID()]
	c.managedMu.Unlock()
	if ok && got.version == live.GetResourceVersion() {
		return got.entries, nil
	}
	res, err := c.Resource(live)
	if err != nil {
		return nil, err
	}
	full, err := res.Get(ctx, live.GetName(), metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read managed fields of %s %s: %w", live.GetKind(), live.GetName(), err)
	}
	c.managedMu.Lock()
	defer c.managedMu.Unlock()
	if c.managed == nil || len(c.managed) > 10000 {
		c.managed = map[types.UID]managedFields{}
	}
	c.managed[live.GetUID()] = managedFields{version: full.GetResourceVersion(), entries: full.GetManagedFields()}
	return full.GetManagedFields(), nil
}

// Get returns the live object, watching its kind first; nil when it does
// not exist or lies outside a namespace-scoped cluster's namespaces.
func (c *LiveCache) Get(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error) {
	if !c.InScope(namespace) {
		return nil, nil
	}
	infs, err := c.Watch(ctx, gvk)
	if err != nil {
		return nil, err
	}
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	for _, inf := range infs {
		obj, ok, err := inf.GetStore().GetByKey(key)
		if err != nil {
			return nil, err
		}
		if ok {
			return obj.(*unstructured.Unstructured), nil
		}
	}
	return nil, nil
}

// ByApp returns the live objects of a kind that carry the application's tracking id.
func (c *LiveCache) ByApp(ctx context.Context, gvk schema.GroupVersionKind, app string) ([]*unstructured.Unstructured, error) {
	infs, err := c.Watch(ctx, gvk)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, inf := range infs {
		objs, err := inf.GetIndexer().ByIndex(appIndex, app)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			out = append(out, o.(*unstructured.Unstructured))
		}
	}
	return out, nil
}

// Untracked returns the objects in a namespace, of the kinds the cache
// already watches, that carry no application's tracking id and have no
// owner: the candidates for a project's orphaned resources.
func (c *LiveCache) Untracked(namespace string) []*unstructured.Unstructured {
	c.mu.Lock()
	infs := make([]cache.SharedIndexInformer, 0, len(c.informers))
	for k, inf := range c.informers {
		if k.namespace == "" || k.namespace == namespace {
			infs = append(infs, inf)
		}
	}
	c.mu.Unlock()
	var out []*unstructured.Unstructured
	for _, inf := range infs {
		objs, err := inf.GetIndexer().ByIndex(cache.NamespaceIndex, namespace)
		if err != nil {
			continue
		}
		for _, o := range objs {
			u := o.(*unstructured.Unstructured)
			if apps, _ := indexByApp(u); len(apps) == 0 && len(u.GetOwnerReferences()) == 0 {
				out = append(out, u)
			}
		}
	}
	return out
}

func (c *LiveCache) notify(obj any) {
	if c.OnChange == nil {
		return
	}
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	if apps, _ := indexByApp(obj); len(apps) > 0 {
		c.OnChange(apps[0])
	}
}

func indexByApp(obj any) ([]string, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, nil
	}
	id, ok := u.GetAnnotations()[tracking.Annotation]
	if !ok {
		return nil, nil
	}
	p, ok := tracking.Parse(id)
	if !ok {
		return nil, nil
	}
	return []string{p.App}, nil
}

// Resource returns the dynamic client for an object's kind and namespace.
func (c *LiveCache) Resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	m, err := c.Mapping(obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return c.dynamic.Resource(m.Resource).Namespace(obj.GetNamespace()), nil
	}
	return c.dynamic.Resource(m.Resource), nil
}
