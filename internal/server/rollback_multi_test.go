package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
)

// Given a multi-source app deployed at v1 then v2 of two repositories,
// the second of which refuses every push (a protected branch),
// when the admin rolls it back,
// then the answer is 502 saying which revert commit was pushed (the first
// repository's, which is on its branch) and why the other was not; the
// hold keeps the pushed commit and the refused branch is unchanged.
func TestMultiSourceRollbackPartialPush(t *testing.T) {
	a := newAPI(t, unique("srv-rollmulti"))
	open, good1, bad1 := newServedRepo(t)
	closed, good2, bad2 := newServedRepo(t)
	hook := filepath.Join(closed.bare.Dir, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho protected branch >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	app := a.app("multi", "default")
	app.Spec.Source = nil
	app.Spec.Sources = v1alpha1.ApplicationSources{
		{RepoURL: "file://" + open.bare.Dir, Path: "app", TargetRevision: "main"},
		{RepoURL: "file://" + closed.bare.Dir, Path: "app", TargetRevision: "main"},
	}
	a.create(app)
	app.Status.History = v1alpha1.RevisionHistories{
		{ID: 1, Revisions: []string{good1, good2}, Sources: app.Spec.Sources, DeployedAt: metav1.Now()},
		{ID: 2, Revisions: []string{bad1, bad2}, Sources: app.Spec.Sources, DeployedAt: metav1.Now()},
	}
	if err := env.Client.Update(context.Background(), app); err != nil {
		t.Fatal(err)
	}

	status, body := a.call("POST", "/api/v1/applications/multi/rollback", a.admin(), map[string]any{"id": 1})
	pushed := open.bare.Git("rev-parse", "main")
	if status != http.StatusBadGateway {
		t.Fatalf("rollback: %d %s, want 502", status, body)
	}
	for _, want := range []string{"Revert commit " + pushed[:7] + " pushed to source 1", "source 2", "pre-receive hook declined"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, "the revert commit was not written") {
		t.Errorf("answer says no revert was written, though source 1's was: %s", body)
	}
	if head := closed.bare.Git("rev-parse", "main"); head != bad2 {
		t.Errorf("the protected branch moved to %s", head)
	}
	hold, err := application.ReadHold(context.Background(), env.Client, a.ns, a.ns, "multi")
	if err != nil || hold == nil || hold.Revert != pushed {
		t.Errorf("hold %+v (%v), want the pushed revert %s", hold, err, pushed)
	}
}
