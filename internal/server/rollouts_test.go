package server

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const serverRollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: srv-ro-apps
  annotations: {argocd.argoproj.io/tracking-id: "a1:argoproj.io/Rollout:srv-ro-apps/web"}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
  strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}]}}
`

// Given a Rollout of alice's team-a app (and one that only copied its
// tracking id), and a policy that lets her abort
// Rollouts but not pause them, when she reads and acts on it through the
// API, then abort sets status.abort in the cluster, pause is 403 naming
// the action and changes nothing, and a caller without the app sees no
// Rollout.
func TestRolloutActions(t *testing.T) {
	a := newAPI(t, "srv-ro")
	ctx := context.Background()
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "srv-ro-apps"}}); err != nil {
		t.Fatal(err)
	}
	ro := &v1alpha1.Rollout{}
	if err := yaml.Unmarshal([]byte(serverRollout), ro); err != nil {
		t.Fatal(err)
	}
	app := a.app("a1", "team-a")
	copied := ro.DeepCopy()
	copied.Name = "copied" // carries a1's tracking id, but a1 does not manage it
	a.create(a.project("team-a"), app, ro, copied)
	app.Status.Resources = []v1alpha1.ResourceStatus{{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout", Namespace: "srv-ro-apps", Name: "web"}}
	if err := env.Client.Update(ctx, app); err != nil {
		t.Fatal(err)
	}
	a.account("alice", "wonderland")
	a.account("bob", "builder")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, applications, get, team-a/*, allow\n" +
			"p, alice, applications, action/argoproj.io/Rollout/abort, team-a/*, allow\n"}})
	alice, bob := a.login("alice", "wonderland"), a.login("bob", "builder")

	if status, body := a.call("GET", "/api/v1/rollouts?namespace=srv-ro-apps", alice, nil); status != 200 || !strings.Contains(body, `"name":"web"`) {
		t.Errorf("alice lists rollouts: %d %s", status, body)
	}
	if status, body := a.call("GET", "/api/v1/rollouts?namespace=srv-ro-apps", bob, nil); status != 200 || strings.Contains(body, `"name":"web"`) {
		t.Errorf("bob lists rollouts: %d %s, want none", status, body)
	}
	if status, body := a.call("POST", "/api/v1/rollouts/srv-ro-apps/web/abort", alice, nil); status != 200 {
		t.Fatalf("abort: %d %s", status, body)
	}
	if status, _ := a.call("POST", "/api/v1/rollouts/srv-ro-apps/copied/abort", alice, nil); status != 403 {
		t.Errorf("abort of a Rollout whose tracking id was copied: %d, want 403", status)
	}
	status, body := a.call("POST", "/api/v1/rollouts/srv-ro-apps/web/pause", alice, nil)
	if status != 403 || !strings.Contains(body, "action/argoproj.io/Rollout/pause") {
		t.Errorf("pause: %d %s, want 403 naming the action", status, body)
	}
	got := &v1alpha1.Rollout{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(ro), got); err != nil {
		t.Fatal(err)
	}
	if !got.Status.Abort || got.Spec.Paused {
		t.Errorf("rollout after abort and a denied pause: abort=%v paused=%v, want true false", got.Status.Abort, got.Spec.Paused)
	}
}
