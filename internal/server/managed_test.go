package server

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given an app whose status lists a Secret, a ConfigMap, a hook and a
// ConfigMap that does not exist,
// when the admin asks for its managed resources,
// then each but the hook is listed with its live state, the Secret's
// values masked, the missing one as "null"; the kind filter keeps only
// its kind.
func TestManagedResourcesMaskSecrets(t *testing.T) {
	a := newAPI(t, unique("srv-managed"))
	apps := a.namespace("srv-managed-apps")
	a.create(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: apps, Name: "db"},
		StringData: map[string]string{"password": "s3cret-value"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: apps, Name: "settings"}, Data: map[string]string{"mode": "fast"}})
	app := a.managingApp("db", apps,
		v1alpha1.ResourceStatus{Version: "v1", Kind: "Secret", Namespace: apps, Name: "db"},
		v1alpha1.ResourceStatus{Version: "v1", Kind: "ConfigMap", Namespace: apps, Name: "settings"},
		v1alpha1.ResourceStatus{Version: "v1", Kind: "ConfigMap", Namespace: apps, Name: "migrate", Hook: true},
		v1alpha1.ResourceStatus{Version: "v1", Kind: "ConfigMap", Namespace: apps, Name: "gone"})
	admin := a.admin()

	items := a.managed(app.Name+"/managed-resources", admin)
	if len(items) != 3 {
		t.Fatalf("got %d items, want db, settings and gone: %+v", len(items), items)
	}
	for _, leak := range []string{"s3cret-value", "czNjcmV0LXZhbHVl"} {
		if strings.Contains(items["db"].LiveState, leak) {
			t.Errorf("secret value in clear in %s", items["db"].LiveState)
		}
	}
	var secret corev1.Secret
	if err := json.Unmarshal([]byte(items["db"].LiveState), &secret); err != nil {
		t.Fatalf("secret live state %q: %v", items["db"].LiveState, err)
	}
	if secret.Name != "db" || string(secret.Data["password"]) == "" {
		t.Errorf("secret live state lacks its masked key: %s", items["db"].LiveState)
	}
	if !strings.Contains(items["db"].LiveState, `"password":"++++++++"`) {
		t.Errorf("secret not masked as Argo CD masks it: %s", items["db"].LiveState)
	}
	if !strings.Contains(items["settings"].LiveState, `"mode":"fast"`) || items["settings"].Kind != "ConfigMap" {
		t.Errorf("configmap item: %+v", items["settings"])
	}
	if items["gone"].LiveState != "null" {
		t.Errorf("missing object's live state %q, want null", items["gone"].LiveState)
	}
	if got := a.managed(app.Name+"/managed-resources?kind=Secret", admin); len(got) != 1 || got["db"].Kind != "Secret" {
		t.Errorf("kind=Secret: %+v", got)
	}
}

// managed gets managed resources by name.
func (a *api) managed(path, token string) map[string]resourceDiff {
	a.t.Helper()
	status, body := a.call("GET", "/api/v1/applications/"+path, token, nil)
	if status != 200 {
		a.t.Fatalf("managed resources: %d %s", status, body)
	}
	var out struct{ Items []resourceDiff }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		a.t.Fatal(err)
	}
	byName := map[string]resourceDiff{}
	for _, i := range out.Items {
		byName[i.Name] = i
	}
	return byName
}
