package server

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given projects, an ApplicationSet, a cluster Secret and a repository
// Secret with credentials, when alice (allowed some of them) lists them,
// then she sees exactly what her policy allows and no credential appears.
func TestReadOnlyResources(t *testing.T) {
	a := newAPI(t, "srv-res")
	set := &v1alpha1.ApplicationSet{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "services"},
		Spec: v1alpha1.ApplicationSetSpec{Generators: []v1alpha1.ApplicationSetGenerator{{List: &v1alpha1.ListGenerator{}}},
			Template: v1alpha1.ApplicationSetTemplate{Spec: a.app("x", "team-a").Spec}}}
	secret := func(name, typ string, data map[string]string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: name,
			Labels: map[string]string{secretTypeLabel: typ}}, StringData: data}
	}
	a.create(a.project("team-a"), a.project("team-b"), set,
		secret("workload", secretTypeCluster, map[string]string{"name": "workload", "server": "https://10.0.0.1:6443",
			"config": `{"bearerToken":"s3cret-token"}`}),
		secret("platform", secretTypeRepo, map[string]string{"url": "https://git.example.com/platform.git",
			"username": "ci", "password": "s3cret-password", "project": "team-a"}))
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, projects, get, team-a, allow\n" +
			"p, alice, applicationsets, get, team-a/*, allow\n" +
			"p, alice, clusters, get, https://10.0.0.1:6443, allow\n" +
			"p, alice, repositories, get, team-a/*, allow\n"}})
	alice := a.login("alice", "wonderland")
	for path, want := range map[string][]string{
		"/api/v1/projects":                 {`"name":"team-a"`},
		"/api/v1/projects/team-a":          {`"name":"team-a"`},
		"/api/v1/applicationsets":          {`"name":"services"`},
		"/api/v1/applicationsets/services": {`"name":"services"`},
		"/api/v1/clusters":                 {`"server":"https://10.0.0.1:6443"`, `"name":"workload"`},
		"/api/v1/repositories":             {`"repo":"https://git.example.com/platform.git"`, `"username":"ci"`},
	} {
		status, body := a.call("GET", path, alice, nil)
		if status != 200 {
			t.Errorf("GET %s: %d %s", path, status, body)
			continue
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %s:\n%s", path, w, body)
			}
		}
		for _, leak := range []string{"team-b", "s3cret", "in-cluster"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s shows %q:\n%s", path, leak, body)
			}
		}
	}
	if status, _ := a.call("GET", "/api/v1/projects/team-b", alice, nil); status != 403 {
		t.Errorf("GET team-b: %d, want 403", status)
	}
}
