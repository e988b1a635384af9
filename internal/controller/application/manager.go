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
// controller runs in: its cache holds only the controller's namespace
// (Applications, argocd-cm, repository and cluster Secrets), so the
// cluster's other ConfigMaps and Secrets cost no memory; metricsAddr serves
// /metrics ("0" turns it off).
func ManagerOptions(namespace, metricsAddr string) ctrl.Options {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	return ctrl.Options{
		Scheme:  scheme,
		Metrics: metricsserver.Options{BindAddress: metricsAddr},
		Cache:   cache.Options{DefaultNamespaces: map[string]cache.Config{namespace: {}}},
		Client:  client.Options{Cache: &client.CacheOptions{}},
	}
}
