package object

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestIDRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		id   ID
		want string
	}{
		{"core namespaced", ID{Kind: "ConfigMap", Namespace: "default", Name: "app"}, "/ConfigMap/default/app"},
		{"group cluster-scoped", ID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"}, "rbac.authorization.k8s.io/ClusterRole//view"},
		{"group namespaced", ID{Group: "apps", Kind: "Deployment", Namespace: "web", Name: "api"}, "apps/Deployment/web/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
			back, err := ParseID(tt.want)
			if err != nil || back != tt.id {
				t.Fatalf("ParseID(%q) = %+v, %v; want %+v", tt.want, back, err, tt.id)
			}
		})
	}
}

func TestParseIDErrors(t *testing.T) {
	for _, s := range []string{"", "apps/Deployment/web", "apps//web/api", "apps/Deployment/web/", "a/b/c/d/e"} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q): want an error", s)
		}
	}
}

func TestIDOf(t *testing.T) {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("apps/v1")
	u.SetKind("Deployment")
	u.SetNamespace("web")
	u.SetName("api")
	if got, want := IDOf(u), (ID{Group: "apps", Kind: "Deployment", Namespace: "web", Name: "api"}); got != want {
		t.Fatalf("IDOf = %+v, want %+v", got, want)
	}
}
