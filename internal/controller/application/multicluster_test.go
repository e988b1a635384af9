package application_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a second cluster declared by a cluster Secret (name "edge", bearer
// token and CA in its config),
// when an app names it as its destination,
// then the app's objects are created in that cluster and not in the
// controller's own; when that cluster is down, the app has a ComparisonError
// that names it, and deleting the app with
// the resources finalizer is blocked by a DeletionError condition that names
// the unreachable cluster, and finishes once the cluster is back.
func TestDestinationFromClusterSecret(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	edge := startWorkload(t)
	edgeClient := edge.client
	edge.register(t, "cluster-edge", "edge", nil)

	repo := gittest.New(t)
	sha := repo.Commit("edge", map[string]string{"edge/cm.yaml": configMaps("edge-settings")})
	policy := automated(true, false)
	policy.SyncOptions = v1alpha1.SyncOptions{"CreateNamespace=true"}
	newApp(t, "edge", repo.URL(), "edge", policy, func(a *v1alpha1.Application) {
		a.Spec.Destination = v1alpha1.ApplicationDestination{Name: "edge", Namespace: "edge-apps"}
		a.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
	})
	waitSyncedHealthy(t, "edge", sha)
	if err := edgeClient.Get(ctx, client.ObjectKey{Namespace: "edge-apps", Name: "edge-settings"}, &corev1.ConfigMap{}); err != nil {
		t.Fatalf("the ConfigMap is not in the edge cluster: %v", err)
	}
	if ok, _ := exists(&corev1.ConfigMap{}, "edge-apps", "edge-settings"); ok {
		t.Error("the ConfigMap was created in the controller's own cluster")
	}

	// When the edge cluster is down, the app says so, and deletion waits
	// and says why.
	edge.Stop()
	eventually(t, "a ComparisonError naming the unreachable cluster", func() (bool, error) {
		for _, c := range getApp(t, "edge").Status.Conditions {
			if c.Type == v1alpha1.ApplicationConditionComparisonError && strings.Contains(c.Message, edge.Config.Host) &&
				strings.Contains(c.Message, "unreachable") {
				return true, nil
			}
		}
		return false, nil
	})
	if err := env.Client.Delete(ctx, getApp(t, "edge")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a DeletionError naming the unreachable cluster", func() (bool, error) {
		app := getApp(t, "edge")
		for _, c := range app.Status.Conditions {
			if c.Type == v1alpha1.ApplicationConditionDeletionError && strings.Contains(c.Message, edge.Config.Host) &&
				strings.Contains(c.Message, "unreachable") {
				return true, nil
			}
		}
		return false, nil
	})
	// The reconcile that wrote the DeletionError is the one that kept the
	// finalizer: no wait needed to show it stays.
	if app := getApp(t, "edge"); len(app.Finalizers) == 0 {
		t.Fatal("the finalizer was removed while the cluster was down")
	}

	// The cluster comes back (same state directory, same address): deletion finishes.
	edge.start(t)
	eventually(t, "app and its ConfigMap in the edge cluster deleted", func() (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: "edge"}, &v1alpha1.Application{})
		if !apierrors.IsNotFound(err) {
			return false, err
		}
		err = edgeClient.Get(ctx, client.ObjectKey{Namespace: "edge-apps", Name: "edge-settings"}, &corev1.ConfigMap{})
		return apierrors.IsNotFound(err), nil
	})
}
