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

// Given the controller reconciling Applications of the namespace
// tiphys-apps besides its own (as --application-namespaces does), and a
// project whose sourceNamespaces lists tiphys-*,
// when an app in tiphys-apps belongs to that project and another to the
// default project, which lists no sourceNamespaces,
// then the first syncs and the second has an InvalidSpecError naming
// sourceNamespaces, with nothing of it created.
func TestAppsInOtherNamespaces(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	if err := env.Client.Create(ctx, namespace("tiphys-apps")); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	sha := repo.Commit("plain", map[string]string{"plain/cm.yaml": configMaps("from-elsewhere")})
	newProject(t, "team-src", v1alpha1.AppProjectSpec{SourceRepos: []string{"*"}, SourceNamespaces: []string{"tiphys-*"},
		Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}})
	create := func(name, proj string) {
		if err := env.Client.Create(ctx, namespace(name)); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
		app := &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "tiphys-apps"},
			Spec: v1alpha1.ApplicationSpec{Project: proj,
				Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: name},
				Source:      &v1alpha1.ApplicationSource{RepoURL: repo.URL(), Path: "plain", TargetRevision: "main"},
				SyncPolicy:  automated(true, false)}}
		if err := env.Client.Create(ctx, app); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = env.Client.Delete(ctx, app)
			_ = env.Client.Delete(ctx, namespace(name))
		})
	}
	create("elsewhere-allowed", "team-src")
	create("elsewhere-refused", "default")
	get := func(name string) *v1alpha1.Application {
		app := &v1alpha1.Application{}
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: "tiphys-apps", Name: name}, app); err != nil {
			t.Fatal(err)
		}
		return app
	}
	eventually(t, "elsewhere-allowed Synced", func() (bool, error) {
		a := get("elsewhere-allowed")
		return a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Sync.Revision == sha, nil
	})
	eventually(t, "elsewhere-refused has an InvalidSpecError naming sourceNamespaces", func() (bool, error) {
		for _, c := range get("elsewhere-refused").Status.Conditions {
			if c.Type == v1alpha1.ApplicationConditionInvalidSpecError && strings.Contains(c.Message, "sourceNamespaces") {
				return true, nil
			}
		}
		return false, nil
	})
	if ok, _ := exists(&corev1.ConfigMap{}, "elsewhere-refused", "from-elsewhere"); ok {
		t.Error("the refused app's ConfigMap was created")
	}
}
