package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/controller/application"
)

// Given an app deployed at v1 then v2,
// when the admin rolls it back with reasons of several lengths,
// then a reason up to maxReasonLength is taken, and a longer one (which
// would fill the holds ConfigMap every app shares, so that no other app
// could be rolled back) is 400 with no hold written and no commit pushed.
func TestRollbackReasonLength(t *testing.T) {
	a := newAPI(t, unique("srv-reason"))
	admin := a.admin()
	tests := []struct {
		name   string
		reason string
		status int
	}{
		{"too-long", strings.Repeat("x", maxReasonLength+1), http.StatusBadRequest},
		{"huge", strings.Repeat("x", 900_000), http.StatusBadRequest},
		{"longest", strings.Repeat("x", maxReasonLength), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, good, bad := newServedRepo(t)
			a.historyApp(tt.name, repo, good, bad, true)
			status, body := a.call("POST", "/api/v1/applications/"+tt.name+"/rollback", admin, map[string]any{"id": 1, "reason": tt.reason})
			if status != tt.status {
				t.Fatalf("rollback with a %d-byte reason: %d %.300s, want %d", len(tt.reason), status, body, tt.status)
			}
			if status == http.StatusOK {
				return
			}
			if !strings.Contains(body, "reason") {
				t.Errorf("refusal does not name the reason: %.300s", body)
			}
			hold, err := application.ReadHold(context.Background(), env.Client, a.ns, a.ns, tt.name)
			if err != nil || hold != nil {
				t.Errorf("hold after a refused rollback: %+v (%v), want none", hold, err)
			}
			if head := repo.bare.Git("rev-parse", "main"); head != bad {
				t.Errorf("main moved to %s after a refused rollback", head)
			}
		})
	}
}
