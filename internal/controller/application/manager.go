package application

import (
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// ManagerOptions are the options of the controller-runtime manager the
// controller runs in: its cache holds only the given namespaces, the
// controller's first (Applications, AppProjects, argocd-cm, repository and
// cluster Secrets), then those of Applications in other namespaces, so the
// cluster's other ConfigMaps and Secrets cost no memory; metricsAddr serves
// /metrics ("0" turns it off).
func ManagerOptions(metricsAddr string, namespaces ...string) ctrl.Options {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	cached := map[string]cache.Config{}
	for _, ns := range namespaces {
		cached[ns] = cache.Config{}
	}
	return ctrl.Options{
		Scheme:  scheme,
		Metrics: metricsserver.Options{BindAddress: metricsAddr},
		Cache:   cache.Options{DefaultNamespaces: cached},
		Client:  client.Options{Cache: &client.CacheOptions{}},
	}
}
