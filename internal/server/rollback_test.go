package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// servedRepo is a bare repository (the app's source, pushed to by
// rollbacks) and the work repository that commits to it.
type servedRepo struct {
	work, bare *gittest.Repo
}

// newServedRepo makes a bare repository whose main holds a ConfigMap at
// app/cm.yaml with data mode=v1, then one with mode=v2; it returns the
// repository and both commits.
func newServedRepo(t *testing.T) (r *servedRepo, good, bad string) {
	t.Helper()
	work := gittest.New(t)
	good = work.Commit("v1", map[string]string{"app/cm.yaml": configMapYAML("v1")})
	dir := filepath.Join(t.TempDir(), "platform.git")
	work.Git("clone", "-q", "--bare", work.Dir, dir)
	work.Git("remote", "add", "origin", dir)
	bad = work.Commit("v2", map[string]string{"app/cm.yaml": configMapYAML("v2")})
	work.Git("push", "-q", "origin", "HEAD:main")
	return &servedRepo{work: work, bare: gittest.Open(t, dir)}, good, bad
}

func configMapYAML(mode string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: " + mode + "\n"
}

// historyApp creates app name on repo's app/ path, deployed at good then
// bad (its history), Synced at bad.
func (a *api) historyApp(name string, repo *servedRepo, good, bad string, automated bool) *v1alpha1.Application {
	a.t.Helper()
	app := a.app(name, "default")
	app.Spec.Source = &v1alpha1.ApplicationSource{RepoURL: "file://" + repo.bare.Dir, Path: "app", TargetRevision: "main"}
	if automated {
		app.Spec.SyncPolicy = &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{}}
	}
	a.create(app)
	app.Status.Sync = v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCodeSynced, Revision: bad}
	app.Status.History = v1alpha1.RevisionHistories{
		{ID: 1, Revision: good, Source: *app.Spec.Source, DeployedAt: metav1.Now()},
		{ID: 2, Revision: bad, Source: *app.Spec.Source, DeployedAt: metav1.Now()},
	}
	if err := env.Client.Update(context.Background(), app); err != nil {
		a.t.Fatal(err)
	}
	return app
}

// Given an app deployed at v1 then v2, and alice who may only get it,
// when alice asks to roll it back she is refused and nothing changes;
// when the admin rolls it back to history 1 with a reason,
// then the app's operation syncs v1's revision, initiated by admin; the
// controller's hold is written with the revert commit; and the app's
// branch has a revert commit authored by admin naming the reason, whose
// app/cm.yaml is v1's again. A second rollback while the first is pending
// is 409, an unknown history id 400, and noGit on an automated app 400.
func TestRollbackThroughAPI(t *testing.T) {
	a := newAPI(t, unique("srv-rollback"))
	repo, good, bad := newServedRepo(t)
	app := a.historyApp("web", repo, good, bad, false)
	a.historyApp("auto", repo, good, bad, true)
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, applications, get, */*, allow\n"}})
	alice, admin := a.login("alice", "wonderland"), a.admin()
	ctx := context.Background()

	if status, body := a.call("POST", "/api/v1/applications/web/rollback", alice, map[string]any{"id": 1}); status != 403 ||
		!strings.Contains(body, "permission denied: applications, sync") {
		t.Errorf("alice's rollback: %d %s, want 403", status, body)
	}
	if head := repo.bare.Git("rev-parse", "main"); head != bad {
		t.Fatalf("main moved to %s after a denied rollback", head)
	}

	if status, body := a.call("POST", "/api/v1/applications/web/rollback", admin, map[string]any{"id": 1, "reason": "5xx after v2"}); status != 200 {
		t.Fatalf("admin's rollback: %d %s", status, body)
	}
	got := &v1alpha1.Application{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(app), got); err != nil {
		t.Fatal(err)
	}
	if op := got.Operation; op == nil || op.Sync == nil || op.Sync.Revision != good || op.InitiatedBy.Username != "admin" {
		t.Errorf("operation %+v, want a sync to %s by admin", got.Operation, good)
	}
	log := repo.bare.Git("log", "-1", "--format=%an%n%B", "main")
	if !strings.HasPrefix(log, "admin\nRollback web to "+good[:7]) || !strings.Contains(log, "Reason: 5xx after v2") {
		t.Errorf("revert commit on main:\n%s", log)
	}
	if cm := repo.bare.Git("show", "main:app/cm.yaml"); cm != strings.TrimSpace(configMapYAML("v1")) {
		t.Errorf("app/cm.yaml on main after the revert:\n%s", cm)
	}
	hold, err := application.ReadHold(ctx, env.Client, a.ns, a.ns, "web")
	if err != nil || hold == nil || hold.Revision != good || hold.Revert != repo.bare.Git("rev-parse", "main") || hold.By != "admin" {
		t.Errorf("hold %+v (%v), want at %s with the revert commit, by admin", hold, err, good)
	}

	if status, body := a.call("POST", "/api/v1/applications/web/rollback", admin, map[string]any{"id": 1}); status != 409 {
		t.Errorf("rollback while the first is pending: %d %s, want 409", status, body)
	}
	if status, body := a.call("POST", "/api/v1/applications/auto/rollback", admin, map[string]any{"id": 9}); status != 400 ||
		!strings.Contains(body, "history id 9 not found") {
		t.Errorf("unknown history id: %d %s, want 400", status, body)
	}
	if status, body := a.call("POST", "/api/v1/applications/auto/rollback", admin, map[string]any{"id": 1, "noGit": true}); status != 400 ||
		!strings.Contains(body, "auto-sync is enabled") {
		t.Errorf("noGit on an automated app: %d %s, want 400", status, body)
	}
}

// Given an app with the resources finalizer and one without,
// when alice (get only) deletes, she is refused and both stay;
// when the admin deletes the first with cascade=false and the second
// with the default cascade,
// then the first is gone without its finalizer (its resources stay), and
// the second is deleting with the finalizer, for the controller to delete
// its resources first.
func TestDeleteApplication(t *testing.T) {
	a := newAPI(t, unique("srv-delete"))
	keep, cascade := a.app("keep", "default"), a.app("cascade", "default")
	keep.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	a.create(keep, cascade)
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, applications, get, */*, allow\n"}})
	alice, admin := a.login("alice", "wonderland"), a.admin()
	ctx := context.Background()

	if status, body := a.call("DELETE", "/api/v1/applications/keep", alice, nil); status != 403 ||
		!strings.Contains(body, "permission denied: applications, delete") {
		t.Errorf("alice's delete: %d %s, want 403", status, body)
	}
	if status, body := a.call("DELETE", "/api/v1/applications/keep?cascade=false", admin, nil); status != 200 {
		t.Fatalf("delete keep: %d %s", status, body)
	}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(keep), &v1alpha1.Application{}); client.IgnoreNotFound(err) != nil || err == nil {
		t.Errorf("keep after delete with cascade=false: %v, want gone", err)
	}
	if status, body := a.call("DELETE", "/api/v1/applications/cascade?propagationPolicy=sideways", admin, nil); status != 400 {
		t.Errorf("unknown propagation policy: %d %s, want 400", status, body)
	}
	if status, body := a.call("DELETE", "/api/v1/applications/cascade", admin, nil); status != 200 {
		t.Fatalf("delete cascade: %d %s", status, body)
	}
	got := &v1alpha1.Application{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(cascade), got); err != nil {
		t.Fatal(err)
	}
	if got.DeletionTimestamp == nil || len(got.Finalizers) != 1 || got.Finalizers[0] != "resources-finalizer.argocd.argoproj.io" {
		t.Errorf("cascade: deletion %v finalizers %v, want deleting with the resources finalizer", got.DeletionTimestamp, got.Finalizers)
	}
	// The test's plane has no controller: let it go.
	got.Finalizers = nil
	_ = env.Client.Update(ctx, got)
}
