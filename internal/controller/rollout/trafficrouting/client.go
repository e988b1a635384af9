package trafficrouting

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Client reads and writes the routers' objects, whose types Tiphys does
// not compile in. The controller implements it with the dynamic client.
// A missing object is reported with an error for which
// apierrors.IsNotFound is true, an existing one on Create with
// apierrors.IsAlreadyExists, a stale resourceVersion with
// apierrors.IsConflict.
type Client interface {
	// Get reads one object.
	Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)
	// Create writes a new object and returns it as stored.
	Create(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
	// Update replaces an object, failing on a stale resourceVersion.
	Update(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
	// Patch applies a patch of the given type to an object.
	Patch(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, pt types.PatchType, data []byte) (*unstructured.Unstructured, error)
}
