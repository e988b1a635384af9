package applicationset_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a governance-jobs set over the job files of a repository, when a
// job file is committed, then its Application appears.
func TestGovernanceJobFile(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	repo.Commit("jobs", map[string]string{"governance/jobs/drift-detector.yaml": "name: drift-detector\nschedule: '0 * * * *'\n"})
	set := newSet(t, strings.ReplaceAll(`
metadata: {name: governance-jobs}
spec:
  generators:
  - git:
      repoURL: REPO
      revision: main
      files:
      - path: governance/jobs/*.yaml
  template:
    metadata: {name: 'job-{{name}}'}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: governance/cronjob}
      destination: {server: https://kubernetes.default.svc, namespace: governance}
`, "REPO", repo.URL()))
	waitApps(t, set, "job-drift-detector")
	repo.Commit("a new job", map[string]string{"governance/jobs/cost-report.yaml": "name: cost-report\nschedule: '0 6 * * *'\n"})
	waitApps(t, set, "job-drift-detector", "job-cost-report")
}

// Given a set with Applications,
// when its repository becomes unreachable, when a cluster Secret becomes
// unreadable for the clusters generator, or when its template breaks,
// then the set says why (ErrorOccurred, naming the generator or
// template) and no Application is changed or deleted; after recovery the
// same Applications stay (same UIDs).
func TestFailuresChangeNothing(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := serviceRepo(t, "alpha", "beta")
	set := newSet(t, microservices("safety", repo.URL(), ""))
	envs := []string{"staging", "production"}
	before := uids(waitApps(t, set, appsFor(envs, "alpha", "beta")...))
	assertUnchanged := func(what string) {
		t.Helper()
		got := uids(apps(t, set))
		if len(got) != len(before) {
			t.Fatalf("%s: %d applications, want %d", what, len(got), len(before))
		}
		for n, uid := range before {
			if got[n] != uid {
				t.Fatalf("%s: application %s changed (UID %s -> %s)", what, n, uid, got[n])
			}
		}
	}

	// The repository is unreachable.
	moved := repo.Dir + "-moved"
	if err := os.Rename(repo.Dir, moved); err != nil {
		t.Fatal(err)
	}
	refreshSet(t, set)
	waitCondition(t, set, "ErrorOccurred", "True", "generator 0", "no Application was changed")
	assertUnchanged("repository unreachable")
	if err := os.Rename(moved, repo.Dir); err != nil {
		t.Fatal(err)
	}
	refreshSet(t, set)
	waitCondition(t, set, "ErrorOccurred", "False")
	assertUnchanged("repository back")

	// A broken template (missingkey=error on a parameter nobody yields).
	cur := getSet(t, set)
	patch := client.MergeFrom(cur.DeepCopy())
	cur.Spec.Template.Spec.Destination.Namespace = "{{.nosuchparam}}"
	if err := env.Client.Patch(ctx, cur, patch); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, set, "ErrorOccurred", "True", "nosuchparam")
	assertUnchanged("template broken")
	cur = getSet(t, set)
	patch = client.MergeFrom(cur.DeepCopy())
	cur.Spec.Template.Spec.Destination.Namespace = "{{.path.basename}}-{{.env}}"
	if err := env.Client.Patch(ctx, cur, patch); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, set, "ErrorOccurred", "False")
	assertUnchanged("template fixed")
}

// Given a set of the clusters generator, when a cluster Secret cannot be
// read (no server), then no Application changes and the set names it.
func TestBadClusterSecretChangesNothing(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	set := newSet(t, `
metadata: {name: per-cluster}
spec:
  generators:
  - clusters: {}
  template:
    metadata: {name: 'guard-{{name}}'}
    spec:
      project: default
      source: {repoURL: https://git.example.com/guard, targetRevision: main, path: guard}
      destination: {server: '{{server}}', namespace: guard}
`)
	before := uids(waitApps(t, set, "guard-in-cluster"))
	bad := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "cluster-broken", Namespace: "argocd",
		Labels: map[string]string{"argocd.argoproj.io/secret-type": "cluster"}}, StringData: map[string]string{"name": "broken"}}
	if err := env.Client.Create(ctx, bad); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, bad) })
	refreshSet(t, set)
	waitCondition(t, set, "ErrorOccurred", "True", "cluster-broken")
	if got := uids(apps(t, set)); len(got) != 1 || got["guard-in-cluster"] != before["guard-in-cluster"] {
		t.Errorf("applications changed: %v", got)
	}
}

// Given a set of the scmProvider generator over a GitHub API that answers,
// when the API starts answering 500, then the Applications stay and the
// set names the provider and the status; when it answers again, the same
// Applications are there.
func TestSCMOutageChangesNothing(t *testing.T) {
	env.Require(t)
	var failing atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/orgs/acme/repos"):
			_, _ = w.Write([]byte(`[{"id": 7, "name": "shop", "full_name": "acme/shop", "owner": {"login": "acme"}, "default_branch": "main",
				"clone_url": "https://git.example.com/acme/shop.git", "ssh_url": "git@git.example.com:acme/shop.git", "topics": []}]`))
		case strings.Contains(r.URL.Path, "/repos/acme/shop/branches/main"):
			_, _ = w.Write([]byte(`{"name": "main", "commit": {"sha": "0123456789abcdef0123456789abcdef01234567"}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	set := newSet(t, strings.ReplaceAll(`
metadata: {name: scm-outage}
spec:
  generators:
  - scmProvider:
      cloneProtocol: https
      github: {organization: acme, api: API}
  template:
    metadata: {name: 'scm-{{repository}}'}
    spec:
      project: default
      source: {repoURL: '{{url}}', targetRevision: '{{branch}}', path: deploy}
      destination: {server: https://kubernetes.default.svc, namespace: scm}
`, "API", srv.URL))
	before := uids(waitApps(t, set, "scm-shop"))
	failing.Store(true)
	refreshSet(t, set)
	waitCondition(t, set, "ErrorOccurred", "True", "500")
	failing.Store(false)
	refreshSet(t, set)
	waitCondition(t, set, "ErrorOccurred", "False")
	if got := uids(apps(t, set)); got["scm-shop"] != before["scm-shop"] {
		t.Errorf("scm-shop was recreated: %v -> %v", before, got)
	}
}

// Given a set of four services (8 Applications) and a deletion budget of
// 50 %, when three services are removed at once (6 of 8), then nothing is
// deleted and the set says it waits for a confirmation; when the
// confirmation names the count, the six go.
func TestDeletionBudgetHoldsMassDeletion(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := serviceRepo(t, services...)
	set := newSet(t, microservices("budget", repo.URL(), ""))
	envs := []string{"staging", "production"}
	waitApps(t, set, appsFor(envs, services...)...)
	for _, s := range services[1:] {
		if err := os.RemoveAll(filepath.Join(repo.Dir, "services", s)); err != nil {
			t.Fatal(err)
		}
	}
	repo.Git("add", "-A")
	repo.Git("commit", "-q", "-m", "retire three services")
	refreshSet(t, set)
	waitCondition(t, set, "ResourcesUpToDate", "False", "would delete 6 of 8", "applicationset.tiphys.io/confirm-deletions")
	if n := len(apps(t, set)); n != 8 {
		t.Fatalf("%d applications after a held deletion, want 8", n)
	}
	cur := getSet(t, set)
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	cur.Annotations["applicationset.tiphys.io/confirm-deletions"] = "6"
	if err := env.Client.Patch(ctx, cur, patch); err != nil {
		t.Fatal(err)
	}
	waitApps(t, set, appsFor(envs, services[0])...)
	eventually(t, "the confirmation used up", func() (bool, error) {
		_, left := getSet(t, set).Annotations["applicationset.tiphys.io/confirm-deletions"]
		return !left, nil
	})
}

// Given a set of a list generator, when one element is renamed to a name
// the API server refuses, then that element fails (named in the
// condition) and the Application of the old name is not deleted.
func TestInvalidNameDeletesNothing(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	set := newSet(t, `
metadata: {name: renames}
spec:
  goTemplate: true
  generators:
  - list:
      elements: [{name: alpha}, {name: beta}]
  template:
    metadata: {name: 'env-{{.name}}'}
    spec:
      project: default
      source: {repoURL: https://git.example.com/env, targetRevision: main, path: '{{.name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: env}
`)
	before := uids(waitApps(t, set, "env-alpha", "env-beta"))
	cur := getSet(t, set)
	patch := client.MergeFrom(cur.DeepCopy())
	cur.Spec.Generators[0].List.Elements[1].Raw = []byte(`{"name": "Beta_X"}`)
	if err := env.Client.Patch(ctx, cur, patch); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, set, "ErrorOccurred", "True", "env-Beta_X", "not a valid object name")
	if got := uids(apps(t, set)); got["env-beta"] != before["env-beta"] || got["env-alpha"] != before["env-alpha"] {
		t.Errorf("applications changed after a failed element: %v -> %v", before, got)
	}
}

// refreshSet asks the set to look at its sources again.
func refreshSet(t *testing.T, set *v1alpha1.ApplicationSet) {
	t.Helper()
	cur := getSet(t, set)
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	cur.Annotations["argocd.argoproj.io/application-set-refresh"] = "true"
	if err := env.Client.Patch(context.Background(), cur, patch); err != nil {
		t.Fatal(err)
	}
}
