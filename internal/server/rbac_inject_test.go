package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given bob, with no policy, and a project team-b whose role smuggles a
// policy line of its own through a newline or a comma: in a group, in the
// role's name or in a policy line,
// when bob calls,
// then none of it counts (bob cannot get another project's app nor is he
// an admin), the role is left out and logged, and team-b's other, valid
// role still works (a bad line, an odd effect included, never drops the
// other projects' policies).
func TestProjectRoleInjection(t *testing.T) {
	tests := []struct {
		name string
		role v1alpha1.ProjectRole
	}{
		{"group with a newline", v1alpha1.ProjectRole{Name: "x", Groups: []string{"bob, role:admin\ng, nobody"}}},
		{"group with a comma", v1alpha1.ProjectRole{Name: "x", Groups: []string{"bob, role:admin"}}},
		{"role name with a newline", v1alpha1.ProjectRole{Name: "x\ng, bob, role:admin", Groups: []string{"nobody"}}},
		{"policy with a newline", v1alpha1.ProjectRole{Name: "x", Policies: []string{
			"p, proj:team-b:x, applications, get, team-b/*\ng, bob, role:admin\n"}}},
		{"policy with an odd effect", v1alpha1.ProjectRole{Name: "x", Policies: []string{
			"p, proj:team-b:x, applications, get, team-b/*, maybe"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, unique("srv-inject"))
			ok := v1alpha1.ProjectRole{Name: "viewer", Groups: []string{"bob"},
				Policies: []string{"p, proj:team-b:viewer, applications, get, team-b/*, allow"}}
			a.create(a.project("team-a"), a.project("team-b", ok, tt.role), a.app("a1", "team-a"), a.app("b1", "team-b"))
			a.account("bob", "builder")
			bob := a.login("bob", "builder")
			if status, body := a.call("GET", "/api/v1/applications/a1", bob, nil); status != http.StatusForbidden {
				t.Errorf("bob gets team-a's app: %d %.200s, want 403", status, body)
			}
			if _, body := a.call("GET", "/api/v1/account/can-i/clusters/delete/x", bob, nil); !strings.Contains(body, `"no"`) {
				t.Errorf("bob may delete clusters: %s", body)
			}
			if status, body := a.call("GET", "/api/v1/applications/b1", bob, nil); status != http.StatusOK {
				t.Errorf("bob's valid role: %d %.200s, want 200", status, body)
			}
			if !strings.Contains(a.log.String(), "left out") {
				t.Errorf("the smuggled role is not logged:\n%s", a.log)
			}
		})
	}
}
