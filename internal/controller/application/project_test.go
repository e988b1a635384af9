package application_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// newProject creates an AppProject in argocd, gone after the test.
func newProject(t *testing.T, name string, spec v1alpha1.AppProjectSpec) *v1alpha1.AppProject {
	t.Helper()
	ctx := context.Background()
	p := &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd"}, Spec: spec}
	eventually(t, "project "+name+" of an earlier run gone", func() (bool, error) {
		ok, err := exists(&v1alpha1.AppProject{}, "argocd", name)
		return !ok, err
	})
	if err := env.Client.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd"}})
	})
	return p
}

// inProject puts an app in a project.
func inProject(name string) func(*v1alpha1.Application) {
	return func(a *v1alpha1.Application) { a.Spec.Project = name }
}

// waitCondition waits until the app has a condition of type t whose
// message holds every part, and returns the message.
func waitCondition(t *testing.T, app string, ct v1alpha1.ApplicationConditionType, parts ...string) string {
	t.Helper()
	var msg string
	eventually(t, app+" has a "+string(ct)+" naming "+strings.Join(parts, ", "), func() (bool, error) {
		for _, c := range getApp(t, app).Status.Conditions {
			if c.Type != ct {
				continue
			}
			msg = c.Message
			for _, p := range parts {
				if !strings.Contains(c.Message, p) {
					return false, nil
				}
			}
			return true, nil
		}
		return false, nil
	})
	return msg
}

// Given a project that allows one repository and namespaces team-a-*, and
// no cluster-scoped kind,
// when apps of it render a ConfigMap into kube-public, a ClusterRole, or
// ask for CreateNamespace=true, or come from another repository, or name a
// project that does not exist,
// then each is refused with a condition naming the rule, the object and
// the offending value, nothing of theirs is created, and an app of the
// default project beside them syncs.
func TestProjectRefusesWhatItDoesNotAllow(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	other := gittest.New(t)
	sha := repo.Commit("manifests", map[string]string{
		"outside/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sneaky, namespace: kube-public}\n",
		"cluster/role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: team-a-sneaky}\nrules: []\n",
		"plain/cm.yaml":     configMaps("plain"),
	})
	other.Commit("elsewhere", map[string]string{"plain/cm.yaml": configMaps("elsewhere")})
	newProject(t, "team-a", v1alpha1.AppProjectSpec{
		SourceRepos:  []string{repo.URL()},
		Destinations: []v1alpha1.ApplicationDestination{{Server: application.InCluster, Namespace: "team-a-*"}},
	})
	newApp(t, "team-a-outside", repo.URL(), "outside", automated(true, false), inProject("team-a"))
	newApp(t, "team-a-cluster", repo.URL(), "cluster", automated(true, false), inProject("team-a"))
	newApp(t, "team-a-createns", repo.URL(), "plain", automated(true, false), inProject("team-a"), func(a *v1alpha1.Application) {
		a.Spec.Destination.Namespace = "team-a-fresh"
		a.Spec.SyncPolicy.SyncOptions = v1alpha1.SyncOptions{"CreateNamespace=true"}
	})
	newApp(t, "team-a-foreign", other.URL(), "plain", automated(true, false), inProject("team-a"))
	newApp(t, "team-a-noproject", repo.URL(), "plain", automated(true, false), inProject("team-nobody"))
	newApp(t, "beside-team-a", repo.URL(), "plain", automated(true, false))
	// A repository whose Secret is scoped to another project serves none of
	// the default project's apps.
	scoped := gittest.New(t)
	scoped.Commit("scoped", map[string]string{"plain/cm.yaml": configMaps("scoped")})
	repoSecret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "repo-team-z", Namespace: "argocd",
		Labels: map[string]string{"argocd.argoproj.io/secret-type": "repository"}},
		StringData: map[string]string{"url": scoped.URL(), "project": "team-z"}}
	if err := env.Client.Create(ctx, repoSecret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, repoSecret) })
	newApp(t, "team-z-repo-elsewhere", scoped.URL(), "plain", automated(true, false))

	waitCondition(t, "team-a-outside", v1alpha1.ApplicationConditionComparisonError, "team-a", "destinations", `"kube-public"`)
	waitCondition(t, "team-a-cluster", v1alpha1.ApplicationConditionComparisonError, "team-a", "clusterResourceWhitelist", "ClusterRole", "team-a-sneaky")
	waitCondition(t, "team-a-createns", v1alpha1.ApplicationConditionComparisonError, "CreateNamespace=true", "clusterResourceWhitelist", "Namespace", "team-a-fresh")
	waitCondition(t, "team-a-foreign", v1alpha1.ApplicationConditionInvalidSpecError, "sourceRepos", other.URL())
	waitCondition(t, "team-a-noproject", v1alpha1.ApplicationConditionInvalidSpecError, "project team-nobody which does not exist")
	waitSyncedHealthy(t, "beside-team-a", sha)
	waitCondition(t, "team-z-repo-elsewhere", v1alpha1.ApplicationConditionInvalidSpecError, `repository Secret of project "team-z"`)

	for _, o := range []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-public", Name: "sneaky"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a-fresh"}},
	} {
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(o), o); !apierrors.IsNotFound(err) {
			t.Errorf("%T %s was created (err %v)", o, o.GetName(), err)
		}
	}
	for _, app := range []string{"team-a-outside", "team-a-cluster", "team-a-foreign", "team-a-noproject"} {
		if a := getApp(t, app); a.Status.OperationState != nil || a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced {
			t.Errorf("%s: refused app synced: sync %s, operation %+v", app, a.Status.Sync.Status, a.Status.OperationState)
		}
	}
}

// Given a project with Argo CD's resources finalizer and an app in it,
// when the project is deleted,
// then it stays (being deleted) while the app exists, and is gone once
// the app is deleted.
func TestProjectDeletionWaitsForItsApps(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	repo.Commit("plain", map[string]string{"plain/cm.yaml": configMaps("kept")})
	p := newProject(t, "team-gone", v1alpha1.AppProjectSpec{SourceRepos: []string{"*"},
		Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}})
	patch := client.MergeFrom(p.DeepCopy())
	p.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	if err := env.Client.Patch(ctx, p, patch); err != nil {
		t.Fatal(err)
	}
	newApp(t, "team-gone-app", repo.URL(), "plain", nil, inProject("team-gone"))
	if err := env.Client.Delete(ctx, p); err != nil {
		t.Fatal(err)
	}
	// The project reconciler looks at the deleted project at once; the
	// app's refresh shows the controllers have moved on since.
	refreshed(t, "team-gone-app")
	got := &v1alpha1.AppProject{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(p), got); err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("project deleted while an app uses it (err %v)", err)
	}
	if err := env.Client.Delete(ctx, getApp(t, "team-gone-app")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "project gone once its app is", func() (bool, error) {
		ok, err := exists(&v1alpha1.AppProject{}, "argocd", "team-gone")
		return !ok, err
	})
}

// Given a project that warns of orphaned resources and ignores
// ConfigMaps named ignored-*,
// when an object nobody tracks appears in an app's namespace beside its
// own,
// then the app has an OrphanedResourceWarning naming it (and not the
// ignored one), and the object is never pruned.
func TestOrphanedResourcesWarn(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("plain", map[string]string{"plain/cm.yaml": configMaps("managed")})
	warn := true
	newProject(t, "orphans", v1alpha1.AppProjectSpec{SourceRepos: []string{"*"},
		Destinations:      []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}},
		OrphanedResources: &v1alpha1.OrphanedResourcesMonitorSettings{Warn: &warn, Ignore: []v1alpha1.OrphanedResourceKey{{Kind: "ConfigMap", Name: "ignored-*"}}}})
	newApp(t, "orphans-app", repo.URL(), "plain", automated(true, true), inProject("orphans"))
	waitSyncedHealthy(t, "orphans-app", sha)
	for _, name := range []string{"stray", "ignored-1"} {
		if err := env.Client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "orphans-app", Name: name}}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "an OrphanedResourceWarning naming ConfigMap/stray only", func() (bool, error) {
		for _, c := range refreshed(t, "orphans-app").Status.Conditions {
			if c.Type == v1alpha1.ApplicationConditionOrphanedResourceWarning {
				return c.Message == "Application has 1 orphaned resources: ConfigMap/stray", nil
			}
		}
		return false, nil
	})
	if ok, err := exists(&corev1.ConfigMap{}, "orphans-app", "stray"); !ok {
		t.Errorf("the orphan was deleted (%v)", err)
	}
}
