package server

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crcluster "sigs.k8s.io/controller-runtime/pkg/cluster"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// StartCluster connects to the cluster the Applications live in, as the
// server reads it: Applications, AppProjects and ApplicationSets of
// namespace from a watch cache (a list of 10 000 apps costs no API
// request); Secrets and settings read when a call needs them, so a
// password or policy change applies at the next call; Rollouts,
// AnalysisRuns and Events (in the apps' namespaces, Events by field
// selector) read directly. It returns once the cache has synced; the cache
// runs until ctx ends. scheme must know core/v1 and argoproj.io/v1alpha1.
func StartCluster(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, namespace string) (crcluster.Cluster, error) {
	cl, err := crcluster.New(cfg, func(co *crcluster.Options) {
		co.Scheme = scheme
		co.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{namespace: {}}}
		co.Client = client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}, &corev1.ConfigMap{},
			&v1alpha1.Rollout{}, &v1alpha1.AnalysisRun{}, &corev1.Event{}}}}
	})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	go func() { _ = cl.Start(ctx) }()
	if !cl.GetCache().WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("server: cache did not sync")
	}
	return cl, nil
}
