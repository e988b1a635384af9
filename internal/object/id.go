// Package object names Kubernetes objects: one identity type (group, kind,
// namespace, name) for every package that keys, compares or reports
// objects, in the spirit of cli-utils' ObjMetadata.
package object

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ID identifies an object by API group (empty for the core group), kind,
// namespace (empty for cluster-scoped objects) and name. The version is
// left out on purpose: the same object served at two versions is one object.
// An ID is comparable and serves as a map key.
type ID struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// IDOf is the identity of obj.
func IDOf(obj *unstructured.Unstructured) ID {
	return ID{Group: obj.GroupVersionKind().Group, Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// GroupKind is the ID's group and kind.
func (id ID) GroupKind() schema.GroupKind { return schema.GroupKind{Group: id.Group, Kind: id.Kind} }

// String is "group/kind/namespace/name" (an empty group or namespace stays
// an empty segment: "/ConfigMap/default/app-config"). ParseID reads it back.
func (id ID) String() string {
	return id.Group + "/" + id.Kind + "/" + id.Namespace + "/" + id.Name
}

// Less orders IDs by group, kind, namespace and name.
func (id ID) Less(other ID) bool { return id.String() < other.String() }

// ParseID reads an ID written by String. It fails on a string without four
// segments or without a kind and name. Names never contain "/", so the
// split is unambiguous.
func ParseID(s string) (ID, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 || parts[1] == "" || parts[3] == "" {
		return ID{}, fmt.Errorf("object id %q: want group/kind/namespace/name", s)
	}
	return ID{Group: parts[0], Kind: parts[1], Namespace: parts[2], Name: parts[3]}, nil
}
