package render

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/internal/tracking"
)

func TestClearClusterScoped(t *testing.T) {
	obj := func(group, kind, ns string) *unstructured.Unstructured {
		o := &unstructured.Unstructured{}
		o.SetGroupVersionKind(schema.GroupVersionKind{Group: group, Version: "v1", Kind: kind})
		o.SetName("x")
		o.SetNamespace(ns)
		tracking.Set("app", o)
		return o
	}
	scope := func(gk schema.GroupKind) (bool, bool) {
		switch gk.Kind {
		case "ClusterIssuer":
			return false, true
		case "Certificate":
			return true, true
		}
		return false, false
	}
	issuer, cert, unknown := obj("cert-manager.io", "ClusterIssuer", "web"), obj("cert-manager.io", "Certificate", "web"), obj("x.io", "Thing", "web")
	in := []*unstructured.Unstructured{issuer, cert, unknown}
	out := clearClusterScoped("app", in, scope)
	if out[0].GetNamespace() != "" || out[0].GetAnnotations()[tracking.Annotation] != "app:cert-manager.io/ClusterIssuer:/x" {
		t.Errorf("cluster-scoped kind: namespace %q, tracking id %q", out[0].GetNamespace(), out[0].GetAnnotations()[tracking.Annotation])
	}
	if out[1] != cert || out[2] != unknown {
		t.Error("namespaced and unknown kinds were changed")
	}
	if issuer.GetNamespace() != "web" || in[0] != issuer {
		t.Error("the input (a render cache's) was modified")
	}
	if got := clearClusterScoped("app", []*unstructured.Unstructured{cert}, scope); got[0] != cert {
		t.Error("nothing to clear: want the same slice")
	}
}
