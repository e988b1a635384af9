package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
)

// generateInputs are where a set's generators read the world from: local
// directories standing in for repositories, the Git cache for the others,
// and, when Client is set, the cluster Secrets and repository credentials
// of Namespace in that cluster.
type generateInputs struct {
	repoPaths []string
	cacheDir  string
	client    client.Reader
	namespace string
}

// parseRepoPaths reads --repo-path URL=DIR flags.
func parseRepoPaths(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, rp := range flags {
		url, dir, ok := strings.Cut(rp, "=")
		if !ok || url == "" || dir == "" {
			return nil, fmt.Errorf("--repo-path %q: want URL=DIR", rp)
		}
		out[url] = dir
	}
	return out, nil
}

// env builds the generators' Env with the controller's own constructors
// (applicationset.GitFromOpener, ClustersFromSecrets). Without a client
// the clusters generator sees only the implicit in-cluster entry, and the
// generators that read Secrets, ConfigMaps or other resources fail with
// generators.ErrNotConfigured.
func (in *generateInputs) env() (*generators.Env, error) {
	paths, err := parseRepoPaths(in.repoPaths)
	if err != nil {
		return nil, err
	}
	opener := &source.Opener{LocalPaths: paths}
	if opener.Git, err = git.NewCache(git.CacheOptions{Dir: in.cacheDir}); err != nil {
		return nil, fmt.Errorf("git cache %s: %w", in.cacheDir, err)
	}
	env := &generators.Env{Git: applicationset.GitFromOpener(opener)}
	if in.client == nil {
		env.Clusters = func(context.Context) ([]generators.Cluster, error) {
			return []generators.Cluster{{Name: cluster.InClusterName, Server: cluster.InCluster}}, nil
		}
		return env, nil
	}
	opener.Credentials = git.SecretCredentials(in.client, in.namespace)
	env.Clusters = applicationset.ClustersFromSecrets(in.client, in.namespace)
	return env, nil
}

// generated is what a set makes: the Applications that rendered (and,
// with a client, pass the controller's checks) and the elements that did
// not, each error naming its generator and element.
type generated struct {
	apps     []*v1alpha1.Application
	problems []error
}

// problem joins the failed elements into one error naming the set.
func (g *generated) problem(set *v1alpha1.ApplicationSet) error {
	if len(g.problems) == 0 {
		return nil
	}
	return fmt.Errorf("applicationset %s/%s: elements failed (%d): %w", set.Namespace, set.Name, len(g.problems), errors.Join(g.problems...))
}

// generate runs the set's generators and template as the controller does.
// A generator error fails it all; a parameter set that fails to render
// and (with a client) an Application the controller would refuse are
// failed elements.
func (in *generateInputs) generate(ctx context.Context, set *v1alpha1.ApplicationSet) (*generated, error) {
	env, err := in.env()
	if err != nil {
		return nil, err
	}
	gen, err := applicationset.Generate(ctx, set, env)
	if err != nil {
		return nil, fmt.Errorf("applicationset %s/%s: %w", set.Namespace, set.Name, err)
	}
	// The controller's checks: the static ones always, those that need the
	// cluster (project, destination) when there is one.
	out := &generated{problems: gen.ElementErrors}
	for _, app := range gen.Applications {
		err := applicationset.ValidateStatic(set, app)
		if err == nil && in.client != nil {
			err = applicationset.Validate(ctx, in.client, in.namespace, set, app)
		}
		if err != nil {
			out.problems = append(out.problems, fmt.Errorf("application %q: %w", app.Name, err))
			continue
		}
		out.apps = append(out.apps, app)
	}
	return out, nil
}

// kubeconfigRef is a --clusters-from value: KUBECONFIG[:CONTEXT].
type kubeconfigRef struct {
	path, context string
}

// parseKubeconfigRef splits KUBECONFIG[:CONTEXT] at the last colon; a
// path alone uses the kubeconfig's current context.
func parseKubeconfigRef(s string) (kubeconfigRef, error) {
	if s == "" {
		return kubeconfigRef{}, errors.New("--clusters-from: want KUBECONFIG[:CONTEXT]")
	}
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return kubeconfigRef{path: s}, nil
	}
	ref := kubeconfigRef{path: s[:i], context: s[i+1:]}
	if ref.path == "" || ref.context == "" {
		return kubeconfigRef{}, fmt.Errorf("--clusters-from %q: want KUBECONFIG[:CONTEXT]", s)
	}
	return ref, nil
}

// client connects to the cluster of the reference.
func (r kubeconfigRef) client() (client.Client, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: r.path}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: r.context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("--clusters-from %s: %w", r.path, err)
	}
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("--clusters-from %s: kubernetes client: %w", r.path, err)
	}
	return c, nil
}
