package server

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given an app whose status lists a Deployment (which the plane's
// controllers scale to a ReplicaSet and a Pod that kwok runs), a Secret and
// a ConfigMap that does not exist,
// when the admin asks for its resource tree,
// then the tree holds the Deployment, its ReplicaSet and Pod linked by
// parentRefs, each with its health, the Pod with its info and images, the
// Secret, and nothing for the missing ConfigMap; a caller who may not get
// the app is refused all three read endpoints.
func TestResourceTree(t *testing.T) {
	a := newAPI(t, unique("srv-tree"))
	apps := a.namespace("srv-tree-apps")
	one := int32(1)
	labels := map[string]string{"app": "web"}
	deploy := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: apps, Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}}}
	a.create(deploy, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: apps, Name: "web-creds"},
		StringData: map[string]string{"password": "s3cret"}})
	app := a.managingApp("web", apps,
		v1alpha1.ResourceStatus{Group: "apps", Version: "v1", Kind: "Deployment", Namespace: apps, Name: "web"},
		v1alpha1.ResourceStatus{Version: "v1", Kind: "Secret", Namespace: apps, Name: "web-creds"},
		v1alpha1.ResourceStatus{Version: "v1", Kind: "ConfigMap", Namespace: apps, Name: "gone"})
	admin := a.admin()

	// The Pod is Running with its container ready once kwok has played it.
	var tree applicationTree
	podReady := func() bool {
		tree = a.tree(app.Name, admin)
		i := slices.IndexFunc(tree.Nodes, func(n resourceNode) bool { return n.Kind == "Pod" })
		return i >= 0 && slices.Contains(tree.Nodes[i].Info, infoItem{Name: "Containers", Value: "1/1"})
	}
	if !eventually(t, 90*time.Second, podReady) {
		t.Fatalf("no ready Pod in the tree:\n%s", mustJSON(tree))
	}
	byKind := map[string]resourceNode{}
	for _, n := range tree.Nodes {
		if _, dup := byKind[n.Kind]; dup {
			t.Errorf("two %s nodes:\n%s", n.Kind, mustJSON(tree))
		}
		byKind[n.Kind] = n
	}
	if len(tree.Nodes) != 4 || tree.OrphanedNodes == nil || len(tree.OrphanedNodes) != 0 {
		t.Errorf("want Deployment, ReplicaSet, Pod and Secret, no orphans:\n%s", mustJSON(tree))
	}
	live := &appsv1.Deployment{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(deploy), live); err != nil {
		t.Fatal(err)
	}
	d, rs, pod := byKind["Deployment"], byKind["ReplicaSet"], byKind["Pod"]
	if d.UID != string(live.UID) || d.Group != "apps" || d.Version != "v1" || d.Namespace != apps || len(d.ParentRefs) != 0 ||
		d.CreatedAt == nil || d.ResourceVersion == "" {
		t.Errorf("deployment node: %+v", d)
	}
	wantParent := func(child, parent resourceNode) {
		t.Helper()
		want := []resourceRef{{Group: parent.Group, Version: parent.Version, Kind: parent.Kind, Namespace: apps, Name: parent.Name, UID: parent.UID}}
		if !slices.Equal(child.ParentRefs, want) {
			t.Errorf("%s parentRefs %+v, want %+v", child.Kind, child.ParentRefs, want)
		}
	}
	wantParent(rs, d)
	wantParent(pod, rs)
	for _, n := range []resourceNode{d, rs, pod} {
		if n.Health == nil || n.Health.Status == "" {
			t.Errorf("%s has no health", n.Kind)
		}
	}
	if pod.Health.Status != v1alpha1.HealthStatusHealthy {
		t.Errorf("pod health %+v, want Healthy", pod.Health)
	}
	if !slices.Equal(pod.Images, []string{"nginx:1.27"}) || !slices.Contains(pod.Info, infoItem{Name: "Status Reason", Value: "Running"}) {
		t.Errorf("pod images %v, info %v", pod.Images, pod.Info)
	}
	if !slices.Contains(rs.Info, infoItem{Name: "Revision", Value: "Rev:1"}) {
		t.Errorf("replicaset info %v, want Rev:1", rs.Info)
	}
	if sec := byKind["Secret"]; sec.Name != "web-creds" || sec.Health != nil {
		t.Errorf("secret node %+v, want one without health", sec)
	}

	a.account("bob", "builder")
	bob := a.login("bob", "builder")
	for _, path := range []string{"resource-tree", "managed-resources", "events"} {
		status, body := a.call("GET", "/api/v1/applications/"+app.Name+"/"+path, bob, nil)
		if status != 403 || !strings.Contains(body, "permission denied: applications, get") {
			t.Errorf("bob GET %s: %d %s, want 403", path, status, body)
		}
	}
}

// managingApp creates an app of project default deploying to namespace,
// whose status lists resources.
func (a *api) managingApp(name, namespace string, resources ...v1alpha1.ResourceStatus) *v1alpha1.Application {
	a.t.Helper()
	app := a.app(name, "default")
	app.Spec.Destination.Namespace = namespace
	a.create(a.project("default"), app)
	app.Status.Resources = resources
	if err := env.Client.Update(context.Background(), app); err != nil {
		a.t.Fatal(err)
	}
	return app
}

// tree gets an app's resource tree.
func (a *api) tree(name, token string) applicationTree {
	a.t.Helper()
	status, body := a.call("GET", "/api/v1/applications/"+name+"/resource-tree", token, nil)
	if status != 200 {
		a.t.Fatalf("resource tree: %d %s", status, body)
	}
	var tree applicationTree
	if err := json.Unmarshal([]byte(body), &tree); err != nil {
		a.t.Fatal(err)
	}
	return tree
}

// eventually polls cond until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
	return true
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
