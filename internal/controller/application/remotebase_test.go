package application_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given an app whose kustomization uses a base in another Git repository
// (a remote base at a tag),
// when it syncs automatically,
// then the base's objects are in the cluster with the overlay's name prefix.
func TestRemoteKustomizeBase(t *testing.T) {
	env.Require(t)
	shared := gittest.New(t)
	shared.Commit("base", map[string]string{
		"bases/web/kustomization.yaml": "resources:\n- cm.yaml\n",
		"bases/web/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata: {from: base}\n",
	})
	shared.Git("tag", "v1")
	repo := gittest.New(t)
	sha := repo.Commit("overlay", map[string]string{
		"overlay/kustomization.yaml": "resources:\n- " + shared.URL() + "//bases/web?ref=v1\nnamePrefix: prod-\n",
	})
	newApp(t, "remotebase", repo.URL(), "overlay", automated(true, false))
	waitSyncedHealthy(t, "remotebase", sha)
	cm := &corev1.ConfigMap{}
	if ok, err := exists(cm, "remotebase", "prod-web"); !ok || cm.Data["from"] != "base" {
		t.Errorf("ConfigMap prod-web from the remote base: %v (%v)", cm.Data, err)
	}
}
