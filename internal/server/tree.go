package server

import (
	"context"
	"net/http"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/health"
	"github.com/tiphys/tiphys/internal/object"
)

// applicationTree is Argo CD's ApplicationTree: the app's live resources
// and their descendants. Orphaned nodes and hosts are not computed.
type applicationTree struct {
	Nodes         []resourceNode `json:"nodes"`
	OrphanedNodes []resourceNode `json:"orphanedNodes"`
}

// resourceRef is Argo CD's ResourceRef.
type resourceRef struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	UID       string `json:"uid,omitempty"`
}

// resourceNode is Argo CD's ResourceNode (without networkingInfo).
type resourceNode struct {
	resourceRef
	ParentRefs      []resourceRef `json:"parentRefs,omitempty"`
	Info            []infoItem    `json:"info,omitempty"`
	ResourceVersion string        `json:"resourceVersion,omitempty"`
	Images          []string      `json:"images,omitempty"`
	Health          *healthStatus `json:"health,omitempty"`
	CreatedAt       *metav1.Time  `json:"createdAt,omitempty"`
	id              object.ID     // sorts the nodes
}

// infoItem is Argo CD's InfoItem: a name and a human-readable value.
type infoItem struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

// healthStatus is Argo CD's HealthStatus as the tree shows it.
type healthStatus struct {
	Status  v1alpha1.HealthStatusCode `json:"status,omitempty"`
	Message string                    `json:"message,omitempty"`
}

var (
	replicaSets = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}
	pods        = schema.GroupVersionKind{Version: "v1", Kind: "Pod"}
	jobs        = schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}
)

// childKinds are the kinds whose objects a kind owns, through their
// ownerReferences: the workload hierarchy Argo CD's tree shows under an
// app's resources (its cluster cache follows every ownerReference; the
// server follows these, so that it watches only a few kinds).
var childKinds = map[schema.GroupKind][]schema.GroupVersionKind{
	{Group: "apps", Kind: "Deployment"}:      {replicaSets},
	{Group: v1alpha1.Group, Kind: "Rollout"}: {replicaSets},
	{Group: "apps", Kind: "ReplicaSet"}:      {pods},
	{Group: "apps", Kind: "StatefulSet"}:     {pods},
	{Group: "apps", Kind: "DaemonSet"}:       {pods},
	{Group: "batch", Kind: "Job"}:            {pods},
	{Group: "batch", Kind: "CronJob"}:        {jobs},
}

// resourceTree is GET /api/v1/applications/{name}/resource-tree (Argo CD's
// ResourceTree, RBAC applications get): the live objects of the app's
// status.resources in its destination cluster, and their descendants.
func (s *Server) resourceTree(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	live, err := s.appLive(r.Context(), a)
	if err != nil {
		writeError(w, err)
		return
	}
	b := &treeBuilder{live: live, overrides: s.healthOverrides(r.Context()), seen: map[types.UID]bool{},
		listed: map[listKey][]*unstructured.Unstructured{}}
	nodes, err := b.build(r.Context(), a.Status.Resources)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, applicationTree{Nodes: nodes, OrphanedNodes: []resourceNode{}})
}

// healthOverrides are argocd-cm's Lua health checks, as the controller
// uses them; a script that does not compile makes its kind Unknown.
func (s *Server) healthOverrides(ctx context.Context) health.Overrides {
	cm, err := s.configMap(ctx, settingsConfigMap)
	if err != nil {
		s.opts.Log.Error(err, "health overrides")
		return nil
	}
	o, err := health.LuaOverrides(cm)
	if err != nil {
		s.opts.Log.Error(err, "health overrides")
	}
	return o
}

// listKey is one listing of a kind in a namespace.
type listKey struct {
	gvk       schema.GroupVersionKind
	namespace string
}

// treeBuilder walks from an app's resources down their ownerReferences,
// listing each child kind at most once per namespace.
type treeBuilder struct {
	live      LiveObjects
	overrides health.Overrides
	nodes     []resourceNode
	seen      map[types.UID]bool
	listed    map[listKey][]*unstructured.Unstructured
}

// build returns the nodes of the resources that exist and of their
// descendants, sorted by group, kind, namespace and name.
func (b *treeBuilder) build(ctx context.Context, resources []v1alpha1.ResourceStatus) ([]resourceNode, error) {
	var level []*unstructured.Unstructured
	for _, res := range resources {
		obj, err := getManaged(ctx, b.live, res)
		if err != nil {
			return nil, err
		}
		if obj != nil && b.add(obj) {
			level = append(level, obj)
		}
	}
	for len(level) > 0 {
		var next []*unstructured.Unstructured
		for _, owner := range level {
			children, err := b.children(ctx, owner)
			if err != nil {
				return nil, err
			}
			for _, c := range children {
				if b.add(c) {
					next = append(next, c)
				}
			}
		}
		level = next
	}
	slices.SortFunc(b.nodes, func(x, y resourceNode) int { return strings.Compare(x.id.String(), y.id.String()) })
	if b.nodes == nil {
		return []resourceNode{}, nil
	}
	return b.nodes, nil
}

// children are the objects of owner's child kinds, in its namespace, that
// name it in their ownerReferences.
func (b *treeBuilder) children(ctx context.Context, owner *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, gvk := range childKinds[owner.GroupVersionKind().GroupKind()] {
		key := listKey{gvk: gvk, namespace: owner.GetNamespace()}
		objs, ok := b.listed[key]
		if !ok {
			var err error
			if objs, err = b.live.List(ctx, gvk, key.namespace); err != nil {
				return nil, err
			}
			b.listed[key] = objs
		}
		for _, o := range objs {
			if slices.ContainsFunc(o.GetOwnerReferences(), func(ref metav1.OwnerReference) bool { return ref.UID == owner.GetUID() }) {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// add makes obj a node unless it is one already.
func (b *treeBuilder) add(obj *unstructured.Unstructured) bool {
	if b.seen[obj.GetUID()] {
		return false
	}
	b.seen[obj.GetUID()] = true
	b.nodes = append(b.nodes, b.node(obj))
	return true
}

// node is obj's ResourceNode: its parents are its ownerReferences (in its
// namespace), as Argo CD's; health from internal/health, info and images
// as Argo CD's cluster cache sets them.
func (b *treeBuilder) node(obj *unstructured.Unstructured) resourceNode {
	gvk := obj.GroupVersionKind()
	created := obj.GetCreationTimestamp()
	n := resourceNode{
		resourceRef: resourceRef{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Namespace: obj.GetNamespace(),
			Name: obj.GetName(), UID: string(obj.GetUID())},
		ResourceVersion: obj.GetResourceVersion(),
		CreatedAt:       &created,
		id:              object.IDOf(obj),
	}
	for _, ref := range obj.GetOwnerReferences() {
		gv, _ := schema.ParseGroupVersion(ref.APIVersion)
		n.ParentRefs = append(n.ParentRefs, resourceRef{Group: gv.Group, Version: gv.Version, Kind: ref.Kind,
			Namespace: obj.GetNamespace(), Name: ref.Name, UID: string(ref.UID)})
	}
	switch st, err := health.Of(obj, b.overrides); {
	case err != nil:
		n.Health = &healthStatus{Status: v1alpha1.HealthStatusUnknown, Message: err.Error()}
	case st != nil:
		n.Health = &healthStatus{Status: st.Code, Message: st.Message}
	}
	n.Info, n.Images = nodeInfo(obj)
	return n
}
