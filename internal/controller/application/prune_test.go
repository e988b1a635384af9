package application_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

func configMaps(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + n + "\n")
		if n == "keep" {
			b.WriteString("  annotations: {argocd.argoproj.io/sync-options: Prune=false}\n")
		}
	}
	return b.String()
}

// Given a synced app with automated prune,
// when a commit removes two objects (one marked Prune=false), the other is
// pruned and the marked one stays;
// when a commit breaks the render, the app reports a ComparisonError and
// nothing is deleted;
// when the render is fixed (and keep is back in Git: a Prune=false object
// that Git no longer holds keeps the app OutOfSync, as in Argo CD), the app
// syncs again.
func TestPrune(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	sha := repo.Commit("three", map[string]string{"app/cms.yaml": configMaps("a", "b", "keep")})
	newApp(t, "prune", repo.URL(), "app", automated(true, false))
	waitSyncedHealthy(t, "prune", sha)

	sha = repo.Commit("drop b and keep", map[string]string{"app/cms.yaml": configMaps("a")})
	eventually(t, "b pruned", func() (bool, error) {
		ok, err := exists(&corev1.ConfigMap{}, "prune", "b")
		return !ok, err
	})
	if ok, _ := exists(&corev1.ConfigMap{}, "prune", "keep"); !ok {
		t.Error("the Prune=false ConfigMap was deleted")
	}
	eventually(t, "prune result recorded", func() (bool, error) {
		os := getApp(t, "prune").Status.OperationState
		if os == nil || os.SyncResult == nil || os.SyncResult.Revision != sha {
			return false, nil
		}
		for _, r := range os.SyncResult.Resources {
			if r.Name == "keep" && r.Status == v1alpha1.ResultCodePruneSkipped {
				return true, nil
			}
		}
		return false, nil
	})

	repo.Commit("break", map[string]string{"app/cms.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n"})
	eventually(t, "ComparisonError for the broken render", func() (bool, error) {
		for _, c := range getApp(t, "prune").Status.Conditions {
			if c.Type == v1alpha1.ApplicationConditionComparisonError && strings.Contains(c.Message, "app/cms.yaml") {
				return true, nil
			}
		}
		return false, nil
	})
	for _, name := range []string{"a", "keep"} {
		if ok, _ := exists(&corev1.ConfigMap{}, "prune", name); !ok {
			t.Errorf("ConfigMap %s deleted after a render error", name)
		}
	}

	sha = repo.Commit("fix", map[string]string{"app/cms.yaml": configMaps("a", "c", "keep")})
	waitSyncedHealthy(t, "prune", sha)
	if ok, _ := exists(&corev1.ConfigMap{}, "prune", "c"); !ok {
		t.Error("ConfigMap c not created after the fix")
	}
}
