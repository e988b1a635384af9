package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given bob, who may get team-b's apps, and a team-b project whose role
// tries to give him more (a global role, another project's apps, a policy
// for someone else), when bob calls, then none of it counts: a project
// role's lines only ever apply to its own subject on its own project.
func TestProjectRoleCannotEscalate(t *testing.T) {
	a := newAPI(t, "srv-esc")
	evil := v1alpha1.ProjectRole{Name: "evil", Groups: []string{"bob"}, Policies: []string{
		"g, bob, role:admin",
		"p, bob, applications, sync, team-a/*, allow",
		"p, proj:team-b:evil, applications, sync, team-a/*, allow",
		"p, proj:team-b:evil, applications, get, team-b/*, allow",
	}}
	a.create(a.project("team-a"), a.project("team-b", evil), a.app("a1", "team-a"), a.app("b1", "team-b"))
	a.account("bob", "builder")
	bob := a.login("bob", "builder")
	for _, call := range [][2]string{{"POST", "/api/v1/applications/a1/sync"}, {"GET", "/api/v1/applications/a1"}, {"GET", "/api/v1/clusters"}} {
		status, body := a.call(call[0], call[1], bob, nil)
		if call[1] == "/api/v1/clusters" {
			if status != 200 || strings.Contains(body, "in-cluster") {
				t.Errorf("bob lists clusters: %d %s, want none", status, body)
			}
			continue
		}
		if status != 403 {
			t.Errorf("%s %s as bob: %d %s, want 403", call[0], call[1], status, body)
		}
	}
	// The role's own, project-scoped line does count, through its group.
	if status, body := a.call("GET", "/api/v1/applications/b1", bob, nil); status != 200 {
		t.Errorf("bob gets b1 through the role's group: %d %s", status, body)
	}
	if !strings.Contains(a.log.String(), "project role policy line left out") {
		t.Errorf("the left-out lines are not logged:\n%s", a.log)
	}
}

// Given a valid policy in force, when argocd-rbac-cm gets a malformed line
// (a deny with a trailing comment), then the last valid policy stays in
// force whole, the error is logged, and a project token gets no default
// role outside its project.
func TestInvalidPolicyKeepsTheLastValid(t *testing.T) {
	a := newAPI(t, "srv-badpol")
	ci := v1alpha1.ProjectRole{Name: "ci", Policies: []string{"p, proj:team-a:ci, applications, get, team-a/*, allow"},
		JWTTokens: []v1alpha1.JWTToken{{ID: "t1", IssuedAt: 1}}}
	a.create(a.project("team-a", ci), a.project("team-b"), a.app("a1", "team-a"), a.app("b1", "team-b"))
	a.account("bob", "builder")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.default": "role:readonly",
		"policy.csv":     "p, bob, applications, sync, team-b/*, allow\np, bob, applications, sync, team-b/b1, deny\n"}}
	a.create(cm)
	bob := a.login("bob", "builder")
	if status, _ := a.call("POST", "/api/v1/applications/b1/sync", bob, nil); status != 403 {
		t.Fatalf("the valid deny: %d, want 403", status)
	}
	cm.Data["policy.csv"] = "p, bob, applications, sync, team-b/*, allow\np, bob, applications, sync, team-b/b1, deny, # no b1 for bob\n"
	if err := env.Client.Update(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	if status, _ := a.call("POST", "/api/v1/applications/b1/sync", bob, nil); status != 403 {
		t.Errorf("after a malformed deny line: %d, want the last valid policy's 403", status)
	}
	if !strings.Contains(a.log.String(), "invalid policy") {
		t.Errorf("the invalid policy is not logged:\n%s", a.log)
	}
	token, err := a.s.sign(context.Background(), "proj:team-a:ci", "t1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := a.call("GET", "/api/v1/applications/b1", token, nil); status != 403 {
		t.Errorf("a team-a token reads team-b's app through policy.default: %d, want 403", status)
	}
	if status, _ := a.call("GET", "/api/v1/applications/a1", token, nil); status != 200 {
		t.Errorf("the team-a token reads a1: %d, want 200", status)
	}
}

// Given a session, when its account's password changes, or when it logs
// out, then the token is refused.
func TestSessionsEnd(t *testing.T) {
	a := newAPI(t, "srv-end")
	a.account("bob", "builder")
	bob := a.login("bob", "builder")
	if status, _ := a.call("DELETE", "/api/v1/session", bob, nil); status != 200 {
		t.Fatalf("logout: %d", status)
	}
	if status, body := a.call("GET", "/api/v1/applications", bob, nil); status != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("token after logout: %d %s, want 401", status, body)
	}
	bob = a.login("bob", "builder")
	time.Sleep(1100 * time.Millisecond) // iat and passwordMtime are whole seconds
	sec := &corev1.Secret{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: settingsSecret}, sec); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("new"), bcrypt.MinCost)
	sec.Data["accounts.bob.password"] = hash
	sec.Data["accounts.bob.passwordMtime"] = []byte(time.Now().UTC().Format(time.RFC3339))
	if err := env.Client.Update(context.Background(), sec); err != nil {
		t.Fatal(err)
	}
	if status, body := a.call("GET", "/api/v1/applications", bob, nil); status != 401 || !strings.Contains(body, "password has changed") {
		t.Errorf("token after a password change: %d %s, want 401", status, body)
	}
	a.login("bob", "new")
}

// Given dave, an account with the apiKey capability only, when the admin
// mints him an API key, then it works for what dave may do, can-i answers
// for it, dave cannot log in with a password, and deleting the key
// revokes it at once.
func TestAccountAPIKeys(t *testing.T) {
	a := newAPI(t, "srv-apikey")
	a.create(a.project("team-a"), a.app("a1", "team-a"))
	cm := &corev1.ConfigMap{}
	a.account("dave", "unused")
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: settingsConfigMap}, cm); err != nil {
		t.Fatal(err)
	}
	cm.Data["accounts.dave"] = "apiKey"
	if err := env.Client.Update(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, dave, applications, sync, team-a/*, allow\n"}})
	if status, _ := a.call("POST", "/api/v1/session", "", map[string]string{"username": "dave", "password": "unused"}); status != 401 {
		t.Errorf("dave logs in without the login capability: %d, want 401", status)
	}
	admin := a.admin()
	status, body := a.call("POST", "/api/v1/account/dave/token", admin, map[string]any{"id": "ci"})
	if status != 200 {
		t.Fatalf("mint dave's key: %d %s", status, body)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(body), `{"token":"`), `"}`)
	if status, body := a.call("POST", "/api/v1/applications/a1/sync", key, nil); status != 200 {
		t.Errorf("dave's key syncs a1: %d %s", status, body)
	}
	for path, want := range map[string]string{
		"/api/v1/account/can-i/applications/sync/team-a/a1":   "yes",
		"/api/v1/account/can-i/applications/delete/team-a/a1": "no",
	} {
		if status, body := a.call("GET", path, key, nil); status != 200 || !strings.Contains(body, `"value":"`+want+`"`) {
			t.Errorf("GET %s: %d %s, want %s", path, status, body, want)
		}
	}
	if status, body := a.call("POST", "/api/v1/account/admin/token", key, nil); status != 403 {
		t.Errorf("dave mints a key for admin: %d %s, want 403", status, body)
	}
	if status, body := a.call("DELETE", "/api/v1/account/dave/token/ci", admin, nil); status != 200 {
		t.Fatalf("delete dave's key: %d %s", status, body)
	}
	if status, body := a.call("GET", "/api/v1/applications", key, nil); status != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("dave's deleted key: %d %s, want 401", status, body)
	}
}
