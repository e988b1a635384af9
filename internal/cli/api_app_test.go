package cli

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	tcluster "github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/server"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given an API server that renders apps, and app web deployed at v1 then
// v2 of a served repository whose live ConfigMap still holds v1,
// when app diff, app rollback and app delete run with --server,
// then diff prints what it prints against Kubernetes (exit 1), rollback
// pushes the revert commit authored by the logged-in admin and sets the
// sync to v1, and delete --cascade=false removes the app.
func TestAppDiffRollbackDeleteThroughServer(t *testing.T) {
	ns, flags := testNamespace(t)
	t.Setenv("TIPHYS_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	ctx := context.Background()
	work := gittest.New(t)
	cm := func(mode string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: " + mode + "\n"
	}
	good := work.Commit("v1", map[string]string{"app/cm.yaml": cm("v1")})
	bare := filepath.Join(t.TempDir(), "platform.git")
	work.Git("clone", "-q", "--bare", work.Dir, bare)
	work.Git("remote", "add", "origin", bare)
	bad := work.Commit("v2", map[string]string{"app/cm.yaml": cm("v2")})
	work.Git("push", "-q", "origin", "HEAD:main")
	src := v1alpha1.ApplicationSource{RepoURL: "file://" + bare, Path: "app", TargetRevision: "main"}
	app := &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: v1alpha1.ApplicationSpec{Project: "default", Source: &src,
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: ns}},
		Status: v1alpha1.ApplicationStatus{Sync: v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCodeSynced, Revision: bad},
			History: v1alpha1.RevisionHistories{{ID: 1, Revision: good, Source: src, DeployedAt: metav1.Now()}, {ID: 2, Revision: bad, Source: src, DeployedAt: metav1.Now()}}}}
	if err := env.Client.Create(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "settings"},
		Data: map[string]string{"mode": "v1"}}); err != nil {
		t.Fatal(err)
	}
	local, err := tcluster.Connect(tcluster.InCluster, env.Config, tcluster.ConnectOptions{FieldManager: tcluster.FieldManager})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(local.Stop)
	registry := &tcluster.Registry{Client: env.Client, Namespace: ns, Local: local}
	comparer, err := server.RegistryComparer(registry, env.Client, ns, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{Client: env.Client, Namespace: ns, Log: logr.Discard(), Comparer: comparer,
		Clusters: server.RegistryClusters(registry)})
	if _, err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	sec := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "argocd-initial-admin-secret"}, sec); err != nil {
		t.Fatal(err)
	}
	mustRun(t, string(sec.Data["password"])+"\n", "login", srv.URL, "--password-stdin")
	api := []string{"--server", srv.URL, "-N", ns}

	direct := mustRunCode(t, 1, append([]string{"app", "diff", "web", "--cache-dir", t.TempDir()}, flags...)...)
	through := mustRunCode(t, 1, append([]string{"app", "diff", "web"}, api...)...)
	if through != direct || !strings.Contains(through, "+  mode: v2") {
		t.Errorf("app diff through the server:\n%s\nwant as against Kubernetes:\n%s", through, direct)
	}

	out := mustRun(t, "", append([]string{"app", "rollback", "web", "1", "--async", "--reason", "5xx"}, api...)...)
	if !strings.Contains(out, "rolled back to "+good[:7]+" by the API server") {
		t.Errorf("rollback printed %q", out)
	}
	if log := gittest.Open(t, bare).Git("log", "-1", "--format=%an %s", "main"); log != "admin Rollback web to "+good[:7] {
		t.Errorf("main's last commit: %q, want admin's revert", log)
	}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(app), app); err != nil {
		t.Fatal(err)
	}
	if app.Operation == nil || app.Operation.Sync.Revision != good {
		t.Errorf("operation after the rollback: %+v, want a sync to %s", app.Operation, good)
	}

	mustRun(t, "", append([]string{"app", "delete", "web", "--cascade=false"}, api...)...)
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(app), app); !apierrors.IsNotFound(err) {
		t.Errorf("web after delete through the server: %v, want gone", err)
	}
}
