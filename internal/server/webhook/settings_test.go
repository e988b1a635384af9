package webhook

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given no argocd-secret (no secret configured), when an unsigned generic
// push arrives, then it is accepted and the apps it concerns refreshed, as
// Argo CD accepts unsigned payloads of an unconfigured provider.
func TestUnconfiguredSecretAcceptsUnsigned(t *testing.T) {
	ns := namespace(t, "webhook-open")
	newApp(t, ns, "a", "https://git.internal.example/acme/platform", "main", "apps/a", ".")
	newApp(t, ns, "b", "https://git.internal.example/acme/platform", "main", "apps/b", ".")
	s := server(t, Options{Namespace: ns})
	status, res := post(t, s, fixture(t, "generic-push.json"), headers("Content-Type", "application/json"))
	if status != http.StatusOK {
		t.Fatalf("status %d (%+v), want 200", status, res)
	}
	want := []string{ns + "/a"}
	if d := cmp.Diff(want, refreshed(t, RefreshAnnotation, &v1alpha1.ApplicationList{}, ns)); d != "" {
		t.Errorf("refreshed (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, res.Refreshed.Applications); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
}

// Given argocd-cm's webhook.maxPayloadSizeMB of 1, when a larger body
// arrives, then it is refused with 413 before anything is read from it;
// and a request that is not a POST is refused with 405.
func TestPayloadLimitAndMethod(t *testing.T) {
	ns := namespace(t, "webhook-limit")
	create(t, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: ConfigMapName, Namespace: ns},
		Data: map[string]string{"webhook.maxPayloadSizeMB": "1"}})
	s := server(t, Options{Namespace: ns})
	big := []byte(`{"repository":"https://x/y","revision":"main","paths":["` + strings.Repeat("a", 1<<20) + `"]}`)
	if status, res := post(t, s, big, headers("Content-Type", "application/json")); status != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: status %d (%+v), want 413", status, res)
	}
	req, err := http.NewRequest(http.MethodGet, s.URL, bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}
