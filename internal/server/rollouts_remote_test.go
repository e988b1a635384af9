package server

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// workloadSecret is a cluster Secret named workload that reaches the test's
// plane by its own URL and credentials: to the server, another cluster.
func (a *api) workloadSecret() *corev1.Secret {
	a.t.Helper()
	cfg := env.Config
	conf, err := json.Marshal(map[string]any{"bearerToken": cfg.BearerToken, "tlsClientConfig": map[string]any{
		"insecure": cfg.Insecure, "caData": cfg.CAData, "certData": cfg.CertData, "keyData": cfg.KeyData}})
	if err != nil {
		a.t.Fatal(err)
	}
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "workload",
		Labels: map[string]string{secretTypeLabel: secretTypeCluster}},
		StringData: map[string]string{"name": "workload", "server": cfg.Host, "config": string(conf)}}
}

// Given app shop deploying to the cluster Secret workload, managing
// Rollout web there, and bob who may not get shop,
// when the admin reads the Rollout with ?app=shop, lists its analysis
// runs and pauses it,
// then each is served from the workload cluster and the pause is in the
// Rollout's spec; bob is refused; a Rollout no app manages on that
// cluster is 403.
func TestRolloutOnAnotherCluster(t *testing.T) {
	a := newAPI(t, unique("srv-remote"))
	apps := a.namespace("srv-remote-apps")
	ro := &v1alpha1.Rollout{}
	if err := yaml.Unmarshal([]byte(serverRollout), ro); err != nil {
		t.Fatal(err)
	}
	ro.Namespace, ro.Annotations = apps, nil
	app := a.app("shop", "default")
	app.Spec.Destination = v1alpha1.ApplicationDestination{Name: "workload", Namespace: apps}
	a.create(a.workloadSecret(), app, ro)
	app.Status.Resources = []v1alpha1.ResourceStatus{{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout", Namespace: apps, Name: "web"}}
	if err := env.Client.Update(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	a.account("bob", "builder")
	admin, bob := a.admin(), a.login("bob", "builder")
	path := "/api/v1/rollouts/" + apps + "/web"

	if status, body := a.call("GET", path+"?app=shop", admin, nil); status != 200 || !strings.Contains(body, `"name":"web"`) {
		t.Fatalf("get through the workload cluster: %d %s", status, body)
	}
	if status, body := a.call("GET", path+"/analysisruns?app=shop", admin, nil); status != 200 || !strings.Contains(body, `"items":[]`) {
		t.Errorf("analysis runs: %d %s", status, body)
	}
	if status, body := a.call("GET", path+"?app=shop", bob, nil); status != 403 {
		t.Errorf("bob gets the Rollout: %d %s, want 403", status, body)
	}
	if status, body := a.call("POST", path+"/pause?app=shop", admin, nil); status != 200 {
		t.Fatalf("pause: %d %s", status, body)
	}
	got := &v1alpha1.Rollout{}
	if err := env.Client.Get(t.Context(), client.ObjectKeyFromObject(ro), got); err != nil || !got.Spec.Paused {
		t.Errorf("rollout after pause: paused=%v (%v)", got.Spec.Paused, err)
	}
	if status, body := a.call("GET", "/api/v1/rollouts/"+apps+"/other?app=shop", admin, nil); status != 403 {
		t.Errorf("a Rollout shop does not manage: %d %s, want 403", status, body)
	}
}
