package application

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Metrics with Argo CD's names, served on the controller's /metrics next to
// controller-runtime's and client-go's (rest_client_requests_total counts
// API requests by method).
var (
	appInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "argocd_app_info",
		Help: "Information about an application: 1 per application, its status in the labels.",
	}, []string{"namespace", "name", "project", "dest_server", "dest_namespace", "repo", "sync_status", "health_status"})
	reconcileSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "argocd_app_reconcile",
		Help:    "Application reconciliation performance in seconds.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16},
	}, []string{"namespace", "dest_server"})
	syncTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "argocd_app_sync_total",
		Help: "Number of application syncs, by result.",
	}, []string{"namespace", "name", "project", "phase"})
	// clusterWatches is Tiphys's own: the watches the controller keeps open
	// in each destination cluster, one per kind and namespace watched.
	clusterWatches = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tiphys_cluster_watches",
		Help: "Watches open in a destination cluster: one per kind, or per kind and namespace in a namespace-scoped cluster.",
	}, []string{"server"})
)

func init() {
	metrics.Registry.MustRegister(appInfo, reconcileSeconds, syncTotal, clusterWatches)
}

// infoLabels are each application's current argocd_app_info labels, so
// that a change deletes exactly the old series: a partial-match delete
// scans every application's series, which at a thousand apps cost most of
// an idle controller's CPU.
var infoLabels sync.Map // "namespace/name" -> []string

// observe records an application's state and how long its reconcile took.
func observe(app *v1alpha1.Application, started time.Time) {
	labels := []string{app.Namespace, app.Name, app.Spec.Project, app.Spec.Destination.Server,
		app.Spec.Destination.Namespace, firstRepo(app), string(app.Status.Sync.Status), string(app.Status.Health.Status)}
	key := app.Namespace + "/" + app.Name
	if old, ok := infoLabels.Load(key); ok && !slices.Equal(old.([]string), labels) {
		appInfo.DeleteLabelValues(old.([]string)...)
	}
	infoLabels.Store(key, labels)
	appInfo.WithLabelValues(labels...).Set(1)
	reconcileSeconds.WithLabelValues(app.Namespace, app.Spec.Destination.Server).Observe(time.Since(started).Seconds())
}

// forget removes a deleted application's metrics.
func forget(namespace, name string) {
	if old, ok := infoLabels.LoadAndDelete(namespace + "/" + name); ok {
		appInfo.DeleteLabelValues(old.([]string)...)
	}
}

func firstRepo(app *v1alpha1.Application) string {
	if app.Spec.Source != nil {
		return app.Spec.Source.RepoURL
	}
	if len(app.Spec.Sources) > 0 {
		return app.Spec.Sources[0].RepoURL
	}
	return ""
}
