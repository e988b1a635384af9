package tracking

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestID(t *testing.T) {
	tests := []struct {
		name, apiVersion, kind, ns, obj, want string
	}{
		{"core", "v1", "Service", "web", "api", "guestbook:/Service:web/api"},
		{"grouped", "apps/v1", "Deployment", "web", "api", "guestbook:apps/Deployment:web/api"},
		{"cluster-scoped", "rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader", "guestbook:rbac.authorization.k8s.io/ClusterRole:/reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &unstructured.Unstructured{}
			u.SetAPIVersion(tt.apiVersion)
			u.SetKind(tt.kind)
			u.SetNamespace(tt.ns)
			u.SetName(tt.obj)
			Set("guestbook", u)
			if got := u.GetAnnotations()[Annotation]; got != tt.want {
				t.Errorf("tracking id = %q, want %q", got, tt.want)
			}
			p, ok := Parse(tt.want)
			if !ok || p.App != "guestbook" || p.Kind != tt.kind || p.Name != tt.obj || p.Namespace != tt.ns {
				t.Errorf("Parse(%q) = %+v, %v", tt.want, p, ok)
			}
		})
	}
	if got := AppInstanceName("web", "team-a", "argocd"); got != "team-a_web" {
		t.Errorf("AppInstanceName = %q", got)
	}
}
