package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given a first start, when the admin logs in with the password from
// argocd-initial-admin-secret, then the session works; a wrong password,
// no token and a forged token are 401, and a failed login is logged.
func TestInitialAdminLogin(t *testing.T) {
	a := newAPI(t, "srv-login")
	sec := &corev1.Secret{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: initialAdminSecret}, sec); err != nil {
		t.Fatal(err)
	}
	token := a.login("admin", string(sec.Data["password"]))
	if status, body := a.call("GET", "/api/v1/session/userinfo", token, nil); status != 200 || !strings.Contains(body, `"username":"admin"`) {
		t.Errorf("userinfo: %d %s", status, body)
	}
	if status, body := a.call("POST", "/api/v1/session", "", map[string]string{"username": "admin", "password": "nope"}); status != 401 {
		t.Errorf("wrong password: %d %s", status, body)
	}
	if status, _ := a.call("GET", "/api/v1/applications", "", nil); status != 401 {
		t.Errorf("no token: %d, want 401", status)
	}
	forged := token[:strings.LastIndex(token, ".")] + ".c2lnbmF0dXJl"
	if status, _ := a.call("GET", "/api/v1/applications", forged, nil); status != 401 {
		t.Errorf("forged token: %d, want 401", status)
	}
	if !strings.Contains(a.log.String(), `"login failed"`) && !strings.Contains(a.log.String(), "login failed") {
		t.Errorf("failed login not logged:\n%s", a.log)
	}
	// A second start keeps the password.
	before := string(sec.Data["password"])
	if initial, err := a.s.Init(context.Background()); err != nil || initial != "" {
		t.Errorf("second Init: %q %v, want no new password", initial, err)
	}
	a.login("admin", before)
}

// Given alice, allowed to get and sync team-a's apps by argocd-rbac-cm,
// when she lists, gets and syncs,
// then she sees only team-a's apps, her sync sets the operation in the
// cluster with her name, a sync of team-b's app is 403 naming the
// permission and changes nothing, and the audit log has both calls.
func TestRBACPerAction(t *testing.T) {
	a := newAPI(t, "srv-rbac")
	a.create(a.project("team-a"), a.project("team-b"), a.app("a1", "team-a"), a.app("a2", "team-a"), a.app("b1", "team-b"))
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, role:team-a, applications, get, team-a/*, allow\n" +
			"p, role:team-a, applications, sync, team-a/*, allow\n" +
			"p, role:team-a, applications, sync, team-a/a2, deny\n" +
			"g, alice, role:team-a\n"}})
	alice := a.login("alice", "wonderland")

	if got := names(t, a, "/api/v1/applications", alice); got != "a1,a2" {
		t.Errorf("alice lists %s, want a1,a2", got)
	}
	if status, body := a.call("GET", "/api/v1/applications/b1", alice, nil); status != 403 ||
		!strings.Contains(body, "permission denied: applications, get") {
		t.Errorf("get b1: %d %s", status, body)
	}
	if status, body := a.call("POST", "/api/v1/applications/a1/sync", alice, map[string]any{"prune": true}); status != 200 {
		t.Fatalf("sync a1: %d %s", status, body)
	}
	a1 := &v1alpha1.Application{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: "a1"}, a1); err != nil {
		t.Fatal(err)
	}
	if a1.Operation == nil || a1.Operation.Sync == nil || !a1.Operation.Sync.Prune || a1.Operation.InitiatedBy.Username != "alice" {
		t.Errorf("a1 operation: %+v, want a prune sync by alice", a1.Operation)
	}
	if status, body := a.call("POST", "/api/v1/applications/a1/sync", alice, nil); status != 409 {
		t.Errorf("second sync while one is pending: %d %s, want 409", status, body)
	}
	for _, name := range []string{"b1", "a2"} {
		status, body := a.call("POST", "/api/v1/applications/"+name+"/sync", alice, nil)
		if status != 403 || !strings.Contains(body, "permission denied: applications, sync") {
			t.Errorf("sync %s: %d %s, want 403 naming the permission", name, status, body)
		}
		app := &v1alpha1.Application{}
		if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: name}, app); err != nil || app.Operation != nil {
			t.Errorf("%s: operation %+v after a denied sync (%v)", name, app.Operation, err)
		}
	}
	log := a.log.String()
	for _, want := range []string{`"path"="/api/v1/applications/a1/sync" "query"="" "status"=200`, `"path"="/api/v1/applications/b1/sync" "query"="" "status"=403`} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %s:\n%s", want, log)
		}
	}
	if !strings.Contains(log, `"user"="alice"`) {
		t.Errorf("audit log does not name alice:\n%s", log)
	}
}

// Given a project role, when an admin mints a token for it (alice, who
// may not update the project, cannot) and CI syncs with it,
// then it may sync its project's apps and nothing else, and once the
// project no longer lists the token, the token is refused.
func TestProjectRoleToken(t *testing.T) {
	a := newAPI(t, "srv-proj")
	role := v1alpha1.ProjectRole{Name: "ci", Policies: []string{"p, proj:team-a:ci, applications, sync, team-a/*, allow",
		"p, proj:team-a:ci, applications, get, team-a/*, allow"}, JWTTokens: []v1alpha1.JWTToken{{ID: "tok1", IssuedAt: 1}}}
	proj := a.project("team-a", role)
	a.create(proj, a.project("team-b"), a.app("a1", "team-a"), a.app("b1", "team-b"))
	a.account("alice", "wonderland")
	if status, body := a.call("POST", "/api/v1/projects/team-a/roles/ci/token", a.login("alice", "wonderland"), nil); status != 403 {
		t.Errorf("alice mints a token: %d %s, want 403", status, body)
	}
	status, body := a.call("POST", "/api/v1/projects/team-a/roles/ci/token", a.admin(), map[string]any{"id": "tok2", "expiresIn": 3600})
	if status != 200 {
		t.Fatalf("admin mints a token: %d %s", status, body)
	}
	var minted struct{ Token string }
	_ = json.Unmarshal([]byte(body), &minted)
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(proj), proj); err != nil {
		t.Fatal(err)
	}
	if n := len(proj.Spec.Roles[0].JWTTokens); n != 2 || proj.Spec.Roles[0].JWTTokens[1].ID != "tok2" || proj.Spec.Roles[0].JWTTokens[1].ExpiresAt == 0 {
		t.Fatalf("jwtTokens after minting: %+v", proj.Spec.Roles[0].JWTTokens)
	}
	token := minted.Token
	if status, body := a.call("POST", "/api/v1/projects/team-a/roles/ci/token", a.admin(), map[string]any{"id": "tok2"}); status != 409 {
		t.Errorf("a second token with the same id: %d %s, want 409", status, body)
	}
	if status, body := a.call("POST", "/api/v1/applications/a1/sync", token, nil); status != 200 {
		t.Errorf("project token syncs a1: %d %s", status, body)
	}
	if status, _ := a.call("POST", "/api/v1/applications/b1/sync", token, nil); status != 403 {
		t.Errorf("project token syncs b1: %d, want 403", status)
	}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(proj), proj); err != nil {
		t.Fatal(err)
	}
	proj.Spec.Roles[0].JWTTokens = proj.Spec.Roles[0].JWTTokens[:1]
	if err := env.Client.Update(context.Background(), proj); err != nil {
		t.Fatal(err)
	}
	if status, body := a.call("GET", "/api/v1/applications/a1", token, nil); status != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("revoked token: %d %s, want 401", status, body)
	}
}

// Given apps in several states, when the list is filtered and paged on
// the server, then each filter and page holds exactly its apps.
func TestListFiltersAndPages(t *testing.T) {
	a := newAPI(t, "srv-list")
	a.create(a.project("web"), a.project("data"))
	states := map[string][2]string{"api": {"Synced", "Healthy"}, "web": {"OutOfSync", "Healthy"}, "db": {"Synced", "Degraded"}, "etl": {"Synced", "Healthy"}}
	for name, st := range states {
		project := "web"
		if name == "db" || name == "etl" {
			project = "data"
		}
		app := a.app(name, project)
		app.Labels = map[string]string{"tier": project}
		a.create(app)
		app.Status.Sync.Status = v1alpha1.SyncStatusCode(st[0])
		app.Status.Health.Status = v1alpha1.HealthStatusCode(st[1])
		if err := env.Client.Update(context.Background(), app); err != nil {
			t.Fatal(err)
		}
	}
	sec := &corev1.Secret{}
	_ = env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: initialAdminSecret}, sec)
	admin := a.login("admin", string(sec.Data["password"]))
	for query, want := range map[string]string{
		"":                            "api,db,etl,web",
		"?projects=data":              "db,etl",
		"?selector=tier%3Dweb":        "api,web",
		"?sync=OutOfSync":             "web",
		"?health=Degraded":            "db",
		"?sync=Synced&health=Healthy": "api,etl",
		"?search=E":                   "etl,web",
		"?limit=3":                    "api,db,etl",
		"?limit=3&continue=3":         "web",
	} {
		if got := names(t, a, "/api/v1/applications"+query, admin); got != want {
			t.Errorf("list%s = %s, want %s", query, got, want)
		}
	}
	status, body := a.call("GET", "/api/v1/applications?limit=2", admin, nil)
	if status != 200 || !strings.Contains(body, `"continue":"2"`) {
		t.Errorf("first page: %d, continue missing in %s", status, body)
	}
	status, body = a.call("GET", "/api/v1/applications?limit=2&fields=items.metadata.name,items.status.sync.status,items.spec.nope", admin, nil)
	var projected struct {
		Metadata map[string]string
		Items    []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &projected); status != 200 || err != nil || len(projected.Items) != 2 || projected.Metadata["continue"] != "2" {
		t.Fatalf("fields: %d %v %s", status, err, body)
	}
	if got, _ := json.Marshal(projected.Items[0]); string(got) != `{"metadata":{"name":"api"},"status":{"sync":{"status":"Synced"}}}` {
		t.Errorf("fields item = %s, want only its name and sync status", got)
	}
}

// names lists the names a list call returns, comma-separated.
func names(t *testing.T, a *api, path, token string) string {
	t.Helper()
	status, body := a.call("GET", path, token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	var list v1alpha1.ApplicationList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range list.Items {
		out = append(out, i.Name)
	}
	return strings.Join(out, ",")
}

// Given bad requests, when they reach the server, then each gets Argo
// CD's JSON error shape with the right status, and nothing changes.
func TestBadRequests(t *testing.T) {
	a := newAPI(t, "srv-bad")
	a.create(a.project("team-a"), a.app("a1", "team-a"))
	admin := a.admin()
	for _, tt := range []struct {
		method, path string
		body         any
		status       int
		want         string
	}{
		{"GET", "/api/v1/nothing", nil, 404, "no such API path"},
		{"POST", "/api/v1/session", []int{1}, 400, "must be a JSON object"},
		{"POST", "/api/v1/session", strings.Repeat("x", 2<<20), 413, "larger than"},
		{"GET", "/api/v1/applications?limit=abc", nil, 400, `limit \"abc\"`},
		{"GET", "/api/v1/applications?continue=-1", nil, 400, `continue \"-1\"`},
		{"GET", "/api/v1/applications?appNamespace=kube-system", nil, 400, "not permitted"},
		{"DELETE", "/api/v1/applications/a1/operation", nil, 400, "No operation is in progress"},
		{"GET", "/api/v1/rollouts/..%2Fa1/web", nil, 400, "namespace"},
	} {
		status, body := a.call(tt.method, tt.path, admin, tt.body)
		if status != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `"code":`) {
			t.Errorf("%s %s: %d %s, want %d with %q", tt.method, tt.path, status, body, tt.status, tt.want)
		}
	}
}
