package application_test

import (
	"context"
	"testing"

	dto "github.com/prometheus/client_model/go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// clusterWatches reads the controller's tiphys_cluster_watches of a server.
func clusterWatches(t *testing.T, server string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "tiphys_cluster_watches" {
			continue
		}
		for _, m := range f.GetMetric() {
			if labelIs(m, "server", server) {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

func labelIs(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// connectionState is what the controller recorded of a cluster Secret's cluster.
func connectionState(t *testing.T, key string) cluster.ConnectionStatus {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: "argocd", Name: cluster.ConnectionStatusConfigMap}, cm); err != nil {
		return cluster.ConnectionUnknown
	}
	s, err := cluster.ParseConnectionState(cm.Data[key])
	if err != nil {
		return cluster.ConnectionUnknown
	}
	return s.Status
}

// Given a workload plane registered by a cluster Secret that scopes it to
// the namespaces team-a and team-b and to the project "scoped", which
// allows that cluster by name only and permits only its own clusters,
// when one app names the cluster by name and another by server,
// then both are checked against the project as the same cluster and land
// on the workload plane, the controller watches only those namespaces
// there, and an app for another namespace is refused; when the plane
// stops, its apps are Unknown and its connection state Failed, and when it
// comes back they converge on the commit made meanwhile; when the Secret
// is removed, the app gets a condition and nothing is deleted.
func TestProjectScopedWorkloadCluster(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	work := startWorkload(t)
	workClient := work.client
	for _, ns := range []string{"team-a", "team-b", "team-c"} {
		if err := workClient.Create(ctx, namespace(ns)); err != nil {
			t.Fatal(err)
		}
	}
	secret := work.register(t, "cluster-work", "work", map[string]string{"namespaces": "team-a,team-b", "project": "scoped"})
	newProject(t, "scoped", v1alpha1.AppProjectSpec{
		SourceRepos:                     []string{"*"},
		Destinations:                    []v1alpha1.ApplicationDestination{{Name: "work", Namespace: "team-*"}},
		PermitOnlyProjectScopedClusters: true,
	})
	repo := gittest.New(t)
	first := repo.Commit("one", map[string]string{"cm/cm.yaml": configMaps("work-settings")})
	newApp(t, "by-name", repo.URL(), "cm", automated(true, false), inProject("scoped"), func(a *v1alpha1.Application) {
		a.Spec.Destination = v1alpha1.ApplicationDestination{Name: "work", Namespace: "team-a"}
	})
	newApp(t, "by-server", repo.URL(), "cm", automated(true, false), inProject("scoped"), func(a *v1alpha1.Application) {
		a.Spec.Destination = v1alpha1.ApplicationDestination{Server: work.Config.Host, Namespace: "team-b"}
	})
	newApp(t, "other-ns", repo.URL(), "cm", automated(true, false), inProject("scoped"), func(a *v1alpha1.Application) {
		a.Spec.Destination = v1alpha1.ApplicationDestination{Name: "work", Namespace: "team-c"}
	})
	waitSyncedHealthy(t, "by-name", first)
	waitSyncedHealthy(t, "by-server", first)
	waitCondition(t, "other-ns", v1alpha1.ApplicationConditionComparisonError, `namespace "team-c"`, "work")
	for _, ns := range []string{"team-a", "team-b"} {
		if err := workClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "work-settings"}, &corev1.ConfigMap{}); err != nil {
			t.Errorf("ConfigMap in %s of the workload plane: %v", ns, err)
		}
	}
	if err := workClient.Get(ctx, client.ObjectKey{Namespace: "team-c", Name: "work-settings"}, &corev1.ConfigMap{}); err == nil {
		t.Error("the refused app's ConfigMap is in team-c")
	}
	eventually(t, "the controller watches ConfigMaps in team-a and team-b only", func() (bool, error) {
		refreshed(t, "by-name")
		return clusterWatches(t, work.Config.Host) == 2, nil
	})
	if s := connectionState(t, "cluster-work"); s != cluster.ConnectionSuccessful {
		t.Errorf("connection state %s, want Successful", s)
	}

	// The plane stops: Unknown and Failed; a commit meanwhile; it comes back.
	work.Stop()
	eventually(t, "by-name Unknown while its cluster is down", func() (bool, error) {
		return getApp(t, "by-name").Status.Sync.Status == v1alpha1.SyncStatusCodeUnknown, nil
	})
	eventually(t, "connection state Failed", func() (bool, error) {
		return connectionState(t, "cluster-work") == cluster.ConnectionFailed, nil
	})
	second := repo.Commit("two", map[string]string{"cm/cm.yaml": configMaps("work-settings", "work-more")})
	work.start(t)
	waitSyncedHealthy(t, "by-name", second)
	waitSyncedHealthy(t, "by-server", second)
	eventually(t, "connection state Successful again", func() (bool, error) {
		return connectionState(t, "cluster-work") == cluster.ConnectionSuccessful, nil
	})

	// A second cluster Secret of the same name makes the name ambiguous:
	// refused, never deployed to whichever lists first.
	dup := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "cluster-work-dup", Namespace: "argocd",
		Labels: map[string]string{cluster.SecretTypeLabel: cluster.SecretTypeCluster}},
		StringData: map[string]string{"name": "work", "server": "https://10.255.255.2:6443"}}
	if err := env.Client.Create(ctx, dup); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, "by-name", v1alpha1.ApplicationConditionInvalidSpecError, "2 clusters with the name work", "cluster-work-dup")
	if err := env.Client.Delete(ctx, dup); err != nil {
		t.Fatal(err)
	}

	// The Secret is removed: a condition, nothing deleted.
	if err := env.Client.Delete(ctx, secret); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, "by-name", v1alpha1.ApplicationConditionInvalidSpecError, "work")
	if err := workClient.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "work-more"}, &corev1.ConfigMap{}); err != nil {
		t.Errorf("an object of the app was deleted with the cluster Secret: %v", err)
	}
}
