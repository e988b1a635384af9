package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given project team-a with apps, an ApplicationSet, a cluster and a
// repository; ops, whose policy allows each action on team-a; guest, with
// no policy; and a token of team-a's role ci, allowed the application
// actions of its project,
// when each calls every authorised endpoint,
// then ops and (for its project's objects) the ci token get through
// (anything but 401/403: some calls are then refused for another reason,
// such as no operation to terminate), and the others are 403 naming the
// resource and action; nothing a denied call would change changed.
func TestRBACMatrix(t *testing.T) {
	a := newAPI(t, unique("srv-matrix"))
	ci := v1alpha1.ProjectRole{Name: "ci", Policies: []string{"p, proj:team-a:ci, applications, *, team-a/*, allow"}}
	a.create(a.project("team-a", ci))
	for _, who := range []string{"ops", "ci", "guest"} {
		a.create(a.app("del-"+who, "team-a"))
	}
	a.create(a.app("web", "team-a"),
		&v1alpha1.ApplicationSet{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "fleet"},
			Spec: v1alpha1.ApplicationSetSpec{Generators: []v1alpha1.ApplicationSetGenerator{{List: &v1alpha1.ListGenerator{}}}, Template: v1alpha1.ApplicationSetTemplate{Spec: v1alpha1.ApplicationSpec{Project: "team-a"}}}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "repo", Labels: map[string]string{secretTypeLabel: secretTypeRepo}},
			StringData: map[string]string{"url": "https://git.example.com/platform.git", "project": "team-a", "password": "hunter2"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "edge", Labels: map[string]string{secretTypeLabel: secretTypeCluster}},
			StringData: map[string]string{"server": "https://edge.example.com", "name": "edge", "config": "{}"}})
	a.account("ops", "ops-password")
	a.account("guest", "guest-password")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, ops, applications, *, team-a/*, allow\n" +
			"p, ops, applicationsets, get, team-a/*, allow\n" +
			"p, ops, projects, get, team-a, allow\n" +
			"p, ops, clusters, get, https://edge.example.com, allow\n" +
			"p, ops, repositories, get, team-a/*, allow\n"}})
	status, body := a.call("POST", "/api/v1/projects/team-a/roles/ci/token", a.admin(), map[string]any{"id": "ci-1"})
	if status != 200 {
		t.Fatalf("mint the ci token: %d %s", status, body)
	}
	var minted struct{ Token string }
	_ = json.Unmarshal([]byte(body), &minted)
	tokens := map[string]string{"ops": a.login("ops", "ops-password"), "guest": a.login("guest", "guest-password"), "ci": minted.Token}

	repo := url.PathEscape("https://git.example.com/platform.git")
	tests := []struct {
		method, path string
		body         any
		// permission is the denial's "resource, action".
		permission string
		// allowed are the principals that get through.
		allowed []string
	}{
		{"GET", "/api/v1/applications/web", nil, "applications, get", []string{"ops", "ci"}},
		{"GET", "/api/v1/applications/web/resource-tree", nil, "applications, get", []string{"ops", "ci"}},
		{"GET", "/api/v1/applications/web/managed-resources", nil, "applications, get", []string{"ops", "ci"}},
		{"GET", "/api/v1/applications/web/events", nil, "applications, get", []string{"ops", "ci"}},
		{"POST", "/api/v1/applications/web/rollback", map[string]any{"id": 9}, "applications, sync", []string{"ops", "ci"}},
		{"DELETE", "/api/v1/applications/web/operation", nil, "applications, sync", []string{"ops", "ci"}},
		{"DELETE", "/api/v1/applications/del-{who}?cascade=false", nil, "applications, delete", []string{"ops", "ci"}},
		{"POST", "/api/v1/applications/web/sync", map[string]any{"dryRun": true}, "applications, sync", []string{"ops", "ci"}},
		{"GET", "/api/v1/applicationsets/fleet", nil, "applicationsets, get", []string{"ops"}},
		{"GET", "/api/v1/projects/team-a", nil, "projects, get", []string{"ops"}},
		{"GET", "/api/v1/clusters/" + url.PathEscape("https://edge.example.com"), nil, "clusters, get", []string{"ops"}},
		{"GET", "/api/v1/repositories/" + repo, nil, "repositories, get", []string{"ops"}},
		{"POST", "/api/v1/projects/team-a/roles/ci/token", nil, "projects, update", nil},
	}
	for _, tt := range tests {
		for _, who := range []string{"ops", "ci", "guest"} {
			path := strings.ReplaceAll(tt.path, "{who}", who)
			status, body := a.call(tt.method, path, tokens[who], tt.body)
			allowed := false
			for _, p := range tt.allowed {
				allowed = allowed || p == who
			}
			switch {
			case allowed && (status == 401 || status == 403):
				t.Errorf("%s %s as %s: %d %s, want allowed", tt.method, path, who, status, body)
			case !allowed && (status != 403 || !strings.Contains(body, "permission denied: "+tt.permission)):
				t.Errorf("%s %s as %s: %d %s, want 403 naming %q", tt.method, path, who, status, body, tt.permission)
			}
		}
	}
	if _, body := a.call("GET", "/api/v1/repositories/"+repo, tokens["ops"], nil); strings.Contains(body, "hunter2") {
		t.Errorf("repository answered with its password: %s", body)
	}
	app := &v1alpha1.Application{}
	if err := env.Client.Get(t.Context(), client.ObjectKey{Namespace: a.ns, Name: "del-guest"}, app); err != nil {
		t.Errorf("guest's denied delete deleted the app: %v", err)
	}
}

// Given a server, when any route but the public ones is called without a
// token or with a forged one, then it is 401; the OpenAPI description
// lists every route.
func TestEveryRouteNeedsAToken(t *testing.T) {
	a := newAPI(t, unique("srv-authn"))
	_, spec := a.call("GET", "/swagger.json", "", nil)
	var doc struct {
		Paths map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatalf("swagger.json: %v\n%s", err, spec)
	}
	forged := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"
	for _, rt := range a.s.routes() {
		openapiPath := pathParam.ReplaceAllString(rt.path, "{$1}")
		if _, ok := doc.Paths[openapiPath][strings.ToLower(rt.method)]; !ok {
			t.Errorf("swagger.json lacks %s %s", rt.method, openapiPath)
		}
		if rt.public {
			continue
		}
		path := pathParam.ReplaceAllString(rt.path, "x")
		for _, token := range []string{"", forged} {
			if status, body := a.call(rt.method, path, token, map[string]any{}); status != 401 {
				t.Errorf("%s %s with token %q: %d %s, want 401", rt.method, path, token, status, body)
			}
		}
	}
	for _, public := range []string{"/api/version", "/api/v1/session/userinfo", "/swagger.json"} {
		if status, body := a.call("GET", public, "", nil); status != 200 {
			t.Errorf("GET %s without a token: %d %s, want 200", public, status, body)
		}
	}
}
