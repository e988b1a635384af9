package server

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	tcluster "github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/compare"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Comparer renders an Application and compares it with its live objects:
// the desired side of managed-resources (Argo CD's targetState,
// normalizedLiveState, predictedLiveState and diff).
type Comparer interface {
	Compare(ctx context.Context, a *v1alpha1.Application) (*compare.Result, error)
}

// RegistryComparer compares apps as `tiphys app diff` does: sources read
// through a Git cache in cacheDir with the repository Secrets of
// namespace, destinations resolved by registry. Its error is the cache
// directory's.
func RegistryComparer(registry *tcluster.Registry, c client.Client, namespace, cacheDir string) (Comparer, error) {
	gc, err := git.NewCache(git.CacheOptions{Dir: cacheDir})
	if err != nil {
		return nil, err
	}
	return registryComparer{registry: registry, client: c, namespace: namespace,
		opener: &source.Opener{Git: gc, Credentials: git.SecretCredentials(c, namespace)}}, nil
}

type registryComparer struct {
	registry  *tcluster.Registry
	client    client.Client
	namespace string
	opener    *source.Opener
}

func (r registryComparer) Compare(ctx context.Context, a *v1alpha1.Application) (*compare.Result, error) {
	dest, err := r.registry.Resolve(ctx, a.Spec.Destination)
	if err != nil {
		return nil, err
	}
	return compare.App(ctx, compare.Request{App: a, Client: r.client, Namespace: r.namespace, Destination: dest, Opener: r.opener})
}
