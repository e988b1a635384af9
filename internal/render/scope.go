package render

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/internal/tracking"
)

// ScopeFunc tells whether a kind is namespaced, and whether it knows the kind.
type ScopeFunc func(schema.GroupKind) (namespaced, known bool)

// clusterScoped are the built-in kinds without a namespace.
var clusterScoped = map[schema.GroupKind]bool{
	{Kind: "Namespace"}: true, {Kind: "Node"}: true, {Kind: "PersistentVolume"}: true,
	{Kind: "ComponentStatus"}:                                                         true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                         true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                  true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:                 true,
	{Group: "apiregistration.k8s.io", Kind: "APIService"}:                             true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}:     true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}:   true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}:        true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}: true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicy"}:          true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicyBinding"}:   true,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                                   true,
	{Group: "storage.k8s.io", Kind: "CSIDriver"}:                                      true,
	{Group: "storage.k8s.io", Kind: "CSINode"}:                                        true,
	{Group: "storage.k8s.io", Kind: "VolumeAttachment"}:                               true,
	{Group: "storage.k8s.io", Kind: "VolumeAttributesClass"}:                          true,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                               true,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:                                true,
	{Group: "networking.k8s.io", Kind: "IPAddress"}:                                   true,
	{Group: "networking.k8s.io", Kind: "ServiceCIDR"}:                                 true,
	{Group: "node.k8s.io", Kind: "RuntimeClass"}:                                      true,
	{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:                 true,
	{Group: "certificates.k8s.io", Kind: "ClusterTrustBundle"}:                        true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "FlowSchema"}:                       true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "PriorityLevelConfiguration"}:       true,
	{Group: "resource.k8s.io", Kind: "DeviceClass"}:                                   true,
	{Group: "resource.k8s.io", Kind: "ResourceSlice"}:                                 true,
}

// builtinScope knows the built-in kinds and the kinds of the CRDs among objs.
func builtinScope(objs []*unstructured.Unstructured) ScopeFunc {
	crds := map[schema.GroupKind]bool{}
	for _, o := range objs {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		scope, _, _ := unstructured.NestedString(o.Object, "spec", "scope")
		crds[schema.GroupKind{Group: group, Kind: kind}] = scope == "Namespaced"
	}
	return func(gk schema.GroupKind) (bool, bool) {
		if namespaced, ok := crds[gk]; ok {
			return namespaced, true
		}
		if clusterScoped[gk] {
			return false, true
		}
		// Built-in and unknown kinds are namespaced unless listed above, as
		// almost all are; the controller passes discovery's answer instead.
		return true, false
	}
}

// clearClusterScoped returns objs with no namespace on the objects whose kind
// namespaced says is cluster-scoped (copies; objs, which a render cache may
// hold, are not changed), their tracking ids made again for app. A render
// defaults the namespace of a kind it does not know yet, such as one whose
// CRD an earlier wave or app has just created, and its cached output keeps
// that guess; Argo CD decides the scope at every comparison from the
// cluster's discovery, which is what this does.
func clearClusterScoped(app string, objs []*unstructured.Unstructured, namespaced ScopeFunc) []*unstructured.Unstructured {
	if namespaced == nil {
		return objs
	}
	var out []*unstructured.Unstructured
	for i, o := range objs {
		if o.GetNamespace() == "" {
			continue
		}
		if ns, known := namespaced(o.GroupVersionKind().GroupKind()); ns || !known {
			continue
		}
		if out == nil {
			out = slices.Clone(objs)
		}
		c := o.DeepCopy()
		c.SetNamespace("")
		tracking.Set(app, c)
		out[i] = c
	}
	if out == nil {
		return objs
	}
	return out
}
