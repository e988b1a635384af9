package trafficrouting

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// MemClient is a Client over an in-memory map, for the providers' table
// tests: the providers are a translation layer, and what they leave in the
// map is what they would leave in a cluster. It keeps resourceVersions so
// that stale updates fail as on an API server.
type MemClient struct {
	objects map[string]*unstructured.Unstructured
	version int
	// Writes counts successful Create, Update and Patch calls.
	Writes int
}

// NewMemClient returns an empty MemClient.
func NewMemClient() *MemClient {
	return &MemClient{objects: map[string]*unstructured.Unstructured{}}
}

func memKey(gvr schema.GroupVersionResource, namespace, name string) string {
	return gvr.String() + "|" + namespace + "/" + name
}

// Load stores the object written as YAML, failing the test if it is not.
func (c *MemClient) Load(t *testing.T, gvr schema.GroupVersionResource, doc string) {
	t.Helper()
	obj := &unstructured.Unstructured{Object: DecodeYAML(t, doc)}
	if _, err := c.Create(context.Background(), gvr, obj); err != nil {
		t.Fatalf("load %s: %v", gvr.Resource, err)
	}
	c.Writes = 0
}

// DecodeYAML decodes a YAML document as the API machinery decodes JSON
// (integers as int64), failing the test if it is not valid.
func DecodeYAML(t *testing.T, doc string) map[string]any {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("decode yaml: %v", err)
	}
	out := map[string]any{}
	if err := utiljson.Unmarshal(data, &out); err != nil {
		t.Fatalf("decode yaml: %v", err)
	}
	return out
}

// Object returns the stored object without its resourceVersion, or nil.
func (c *MemClient) Object(gvr schema.GroupVersionResource, namespace, name string) map[string]any {
	obj, ok := c.objects[memKey(gvr, namespace, name)]
	if !ok {
		return nil
	}
	out := obj.DeepCopy()
	unstructured.RemoveNestedField(out.Object, "metadata", "resourceVersion")
	return out.Object
}

// Get implements Client.
func (c *MemClient) Get(_ context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	obj, ok := c.objects[memKey(gvr, namespace, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return obj.DeepCopy(), nil
}

// Create implements Client.
func (c *MemClient) Create(_ context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	k := memKey(gvr, obj.GetNamespace(), obj.GetName())
	if _, ok := c.objects[k]; ok {
		return nil, apierrors.NewAlreadyExists(gvr.GroupResource(), obj.GetName())
	}
	return c.store(k, obj), nil
}

// Update implements Client.
func (c *MemClient) Update(_ context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	k := memKey(gvr, obj.GetNamespace(), obj.GetName())
	old, ok := c.objects[k]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), obj.GetName())
	}
	if rv := obj.GetResourceVersion(); rv != "" && rv != old.GetResourceVersion() {
		return nil, apierrors.NewConflict(gvr.GroupResource(), obj.GetName(), fmt.Errorf("resourceVersion %s is stale", rv))
	}
	return c.store(k, obj), nil
}

// Patch implements Client for JSON merge patches.
func (c *MemClient) Patch(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, pt types.PatchType, data []byte) (*unstructured.Unstructured, error) {
	if pt != types.MergePatchType {
		return nil, fmt.Errorf("patch type %s: not supported by the map client", pt)
	}
	k := memKey(gvr, namespace, name)
	old, ok := c.objects[k]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	var patch map[string]any
	if err := utiljson.Unmarshal(data, &patch); err != nil {
		return nil, err
	}
	merged := mergePatch(old.DeepCopy().Object, patch)
	return c.store(k, &unstructured.Unstructured{Object: merged}), nil
}

// mergePatch applies a JSON merge patch (RFC 7386) to a document.
func mergePatch(doc, patch map[string]any) map[string]any {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			dv, _ := doc[k].(map[string]any)
			if dv == nil {
				dv = map[string]any{}
			}
			doc[k] = mergePatch(dv, pv)
		default:
			doc[k] = pv
		}
	}
	return doc
}

func (c *MemClient) store(k string, obj *unstructured.Unstructured) *unstructured.Unstructured {
	c.version++
	c.Writes++
	stored := obj.DeepCopy()
	stored.SetResourceVersion(strconv.Itoa(c.version))
	c.objects[k] = stored
	return stored.DeepCopy()
}

func TestMemClientMergePatch(t *testing.T) {
	c := NewMemClient()
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	c.Load(t, gvr, "{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: ns}, data: {a: '1', b: '2'}}")
	_, err := c.Patch(context.Background(), gvr, "ns", "a", types.MergePatchType, []byte(`{"data":{"a":null,"c":"3"}}`))
	if err != nil {
		t.Fatal(err)
	}
	data := c.Object(gvr, "ns", "a")["data"].(map[string]any)
	if len(data) != 2 || data["b"] != "2" || data["c"] != "3" {
		t.Errorf("data after patch: %v", data)
	}
}
