package application_test

import (
	"context"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// heldConfigMap is a ConfigMap in a wave that a test finalizer keeps after
// its deletion, so the order of deletions can be read from the cluster.
func heldConfigMap(name, wave, options string) string {
	s := "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  finalizers: [tiphys.test/hold]\n" +
		"  annotations: {argocd.argoproj.io/sync-wave: \"" + wave + "\""
	if options != "" {
		s += ", argocd.argoproj.io/sync-options: " + options
	}
	return s + "}\n"
}

// Given a synced app with ConfigMaps in waves 0 and 1 and one marked
// PruneLast=true (wave 0),
// when a commit removes all three,
// then they are deleted highest wave first and the PruneLast one last
// (observed through the revisions at which their deletions were written).
func TestPruneOrderAndPruneLast(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	sha := repo.Commit("three", map[string]string{"app/cms.yaml": heldConfigMap("wave0", "0", "") + heldConfigMap("wave1", "1", "") +
		heldConfigMap("last", "0", "PruneLast=true") + configMaps("stays")})
	// Background propagation: the garbage collector leaves the deleted
	// objects alone, so their resourceVersions stay those of the deletions.
	policy := automated(true, false)
	policy.SyncOptions = v1alpha1.SyncOptions{"PrunePropagationPolicy=background"}
	newApp(t, "prunelast", repo.URL(), "app", policy)
	waitSyncedHealthy(t, "prunelast", sha)
	t.Cleanup(func() {
		for _, name := range []string{"wave0", "wave1", "last"} {
			cm := &corev1.ConfigMap{}
			if ok, _ := exists(cm, "prunelast", name); ok {
				patch := client.MergeFrom(cm.DeepCopy())
				cm.Finalizers = nil
				_ = env.Client.Patch(ctx, cm, patch)
			}
		}
	})

	repo.Commit("drop three", map[string]string{"app/cms.yaml": configMaps("stays")})
	deletedAt := map[string]int{}
	eventually(t, "the three ConfigMaps deleted", func() (bool, error) {
		for _, name := range []string{"wave0", "wave1", "last"} {
			cm := &corev1.ConfigMap{}
			if ok, err := exists(cm, "prunelast", name); !ok || cm.DeletionTimestamp == nil {
				return false, err
			}
			deletedAt[name], _ = strconv.Atoi(cm.ResourceVersion)
		}
		return true, nil
	})
	if !(deletedAt["wave1"] < deletedAt["wave0"] && deletedAt["wave0"] < deletedAt["last"]) {
		t.Errorf("deletion revisions %v, want wave1 < wave0 < last", deletedAt)
	}
}
