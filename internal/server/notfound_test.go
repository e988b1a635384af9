package server

import (
	"net/http"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Given app b1 of team-b; bob, who may sync team-b's apps but not get them
// nor anything of team-a; carol, who may get team-b's apps but not sync
// them; and the admin,
// when each asks for b1 and for an app that does not exist,
// then bob's answers for both are the same 403 (neither b1's existence nor
// its project leak), carol's denial of a sync on b1 names team-b/b1 (she
// may see it), and the admin and carol are told that the missing app does
// not exist (404), as Argo CD tells a caller who could get it.
func TestMissingAppAnswers(t *testing.T) {
	a := newAPI(t, unique("srv-missing"))
	a.create(a.project("team-b"), a.app("b1", "team-b"))
	a.account("bob", "builder")
	a.account("carol", "singer")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, bob, applications, sync, team-b/*, allow\n" +
			"p, bob, applications, delete, team-b/*, allow\n" +
			"p, carol, applications, get, */*, allow\n"}})
	bob, carol, admin := a.login("bob", "builder"), a.login("carol", "singer"), a.admin()

	tests := []struct {
		name, token, method, app string
		status                   int
		// body is what the answer holds; the app's name stands for
		// itself, so bob's two answers compare equal once it is replaced.
		body string
	}{
		{"bob gets b1", bob, "GET", "b1", http.StatusForbidden, "permission denied: applications, get, b1, sub: bob (or it does not exist)"},
		{"bob gets a missing app", bob, "GET", "nope", http.StatusForbidden, "permission denied: applications, get, nope, sub: bob (or it does not exist)"},
		{"bob's tree of b1", bob, "GET", "b1/resource-tree", http.StatusForbidden, "permission denied: applications, get, b1, sub: bob (or it does not exist)"},
		{"carol syncs b1", carol, "POST", "b1/sync", http.StatusForbidden, "permission denied: applications, sync, team-b/b1, sub: carol"},
		{"carol gets a missing app", carol, "GET", "nope", http.StatusNotFound, `application \"nope\" not found`},
		{"admin gets a missing app", admin, "GET", "nope", http.StatusNotFound, `application \"nope\" not found`},
		{"admin deletes a missing app", admin, "DELETE", "nope", http.StatusNotFound, `application \"nope\" not found`},
		{"bob deletes a missing app", bob, "DELETE", "nope", http.StatusForbidden, "permission denied: applications, delete, nope, sub: bob (or it does not exist)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.call(tt.method, "/api/v1/applications/"+tt.app, tt.token, nil)
			if status != tt.status || !strings.Contains(body, tt.body) {
				t.Errorf("%s %s: %d %s, want %d with %q", tt.method, tt.app, status, body, tt.status, tt.body)
			}
		})
	}
}
