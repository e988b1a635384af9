package cluster

import (
	"context"
	"fmt"
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
	mapper  meta.RESTMapper
	factory dynamicinformer.DynamicSharedInformerFactory
	// OnChange is called with the application instance of a changed object.
	OnChange func(app string)

	mu        sync.Mutex
	informers map[schema.GroupVersionResource]cache.SharedIndexInformer
	stop      chan struct{}

	managedMu sync.Mutex
	managed   map[types.UID]managedFields
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
}

// NewLiveCache returns a live cache for a cluster.
func NewLiveCache(o LiveCacheOptions) *LiveCache {
	watch := o.Watch
	if watch == nil {
		watch = o.Client
	}
	return &LiveCache{
		dynamic: o.Client, mapper: o.Mapper,
		factory:   dynamicinformer.NewDynamicSharedInformerFactory(watch, 0),
		informers: map[schema.GroupVersionResource]cache.SharedIndexInformer{},
		stop:      make(chan struct{}),
	}
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

// Watch makes sure the kind is watched and its informer synced.
func (c *LiveCache) Watch(ctx context.Context, gvk schema.GroupVersionKind) (cache.SharedIndexInformer, error) {
	m, err := c.Mapping(gvk)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	inf, ok := c.informers[m.Resource]
	if !ok {
		inf = c.factory.ForResource(m.Resource).Informer()
		_ = inf.SetTransform(stripManagedFields)
		_ = inf.AddIndexers(cache.Indexers{appIndex: indexByApp})
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    c.notify,
			UpdateFunc: func(old, obj any) { c.notify(old); c.notify(obj) },
			DeleteFunc: c.notify,
		})
		c.informers[m.Resource] = inf
		go inf.Run(c.stop)
	}
	c.mu.Unlock()
	syncCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), inf.HasSynced) {
		return nil, fmt.Errorf("watch %s: cache did not sync", m.Resource)
	}
	return inf, nil
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

// Get returns the live object, watching its kind first.
func (c *LiveCache) Get(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error) {
	inf, err := c.Watch(ctx, gvk)
	if err != nil {
		return nil, err
	}
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	obj, ok, err := inf.GetStore().GetByKey(key)
	if err != nil || !ok {
		return nil, err
	}
	return obj.(*unstructured.Unstructured), nil
}

// ByApp returns the live objects of a kind that carry the application's tracking id.
func (c *LiveCache) ByApp(ctx context.Context, gvk schema.GroupVersionKind, app string) ([]*unstructured.Unstructured, error) {
	inf, err := c.Watch(ctx, gvk)
	if err != nil {
		return nil, err
	}
	objs, err := inf.GetIndexer().ByIndex(appIndex, app)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(*unstructured.Unstructured))
	}
	return out, nil
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
