package applicationset

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
	src "github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
)

// GitFromOpener reads generators' repositories through a source opener:
// the controller's Git cache with repository Secrets, or local
// directories standing in for repositories (`tiphys appset generate
// --repo-path`).
func GitFromOpener(o *src.Opener) func(ctx context.Context, repoURL, revision string) (fs.FS, string, error) {
	return func(ctx context.Context, repoURL, revision string) (fs.FS, string, error) {
		opened, err := o.Open(ctx, v1alpha1.ApplicationSource{RepoURL: repoURL, TargetRevision: revision})
		if err != nil {
			return nil, "", err
		}
		return opened.FS, opened.Revision, nil
	}
}

// ClustersFromSecrets lists the registered clusters: the implicit
// in-cluster one, then one per cluster Secret in namespace (a Secret for
// the in-cluster server replaces the implicit entry, as in Argo CD). A
// failed list is an error, never an empty list.
func ClustersFromSecrets(c client.Reader, namespace string) func(ctx context.Context) ([]generators.Cluster, error) {
	return func(ctx context.Context) ([]generators.Cluster, error) {
		var list corev1.SecretList
		if err := c.List(ctx, &list, client.InNamespace(namespace),
			client.MatchingLabels{cluster.SecretTypeLabel: cluster.SecretTypeCluster}); err != nil {
			return nil, fmt.Errorf("list cluster secrets in %s: %w", namespace, err)
		}
		out := []generators.Cluster{{Name: cluster.InClusterName, Server: cluster.InCluster}}
		for _, s := range list.Items {
			info, err := cluster.SecretInfo(&s)
			if err != nil {
				return nil, err
			}
			c := generators.Cluster{Name: info.Name, Server: info.Server, Labels: s.Labels, Annotations: s.Annotations,
				SecretName: s.Name, Project: info.Project}
			if info.Server == cluster.InCluster {
				out[0] = c
				continue
			}
			out = append(out, c)
		}
		return out, nil
	}
}

// env is the generators' view of the cluster for one set.
func (r *Reconciler) env(set *v1alpha1.ApplicationSet, refresh bool) *generators.Env {
	opener := &src.Opener{Git: r.Git, Credentials: git.SecretCredentials(r.Client, r.Namespace), Refresh: refresh}
	return &generators.Env{
		Git:      GitFromOpener(opener),
		Clusters: ClustersFromSecrets(r.Client, r.Namespace),
		Secret: func(ctx context.Context, name, key string) (string, error) {
			s := &corev1.Secret{}
			if err := r.Client.Get(ctx, client.ObjectKey{Namespace: set.Namespace, Name: name}, s); err != nil {
				return "", fmt.Errorf("secret %s/%s: %w", set.Namespace, name, err)
			}
			v, ok := s.Data[key]
			if !ok {
				return "", fmt.Errorf("secret %s/%s has no key %q", set.Namespace, name, key)
			}
			return string(v), nil
		},
		ConfigMap: func(ctx context.Context, name string) (map[string]string, error) {
			cm := &corev1.ConfigMap{}
			if err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: name}, cm); err != nil {
				return nil, fmt.Errorf("configmap %s/%s: %w", r.Namespace, name, err)
			}
			return cm.Data, nil
		},
		Resources: r.resources(set.Namespace),
	}
}

// resources lists objects of a resource for the clusterDecisionResource
// generator with the dynamic client.
func (r *Reconciler) resources(namespace string) func(ctx context.Context, resource, name, selector string) ([]map[string]any, error) {
	return func(ctx context.Context, resource, name, selector string) ([]map[string]any, error) {
		if r.Dynamic == nil {
			return nil, fmt.Errorf("resource %s: %w", resource, generators.ErrNotConfigured)
		}
		gvr, err := parseResource(resource)
		if err != nil {
			return nil, err
		}
		ri := r.Dynamic.Resource(gvr).Namespace(namespace)
		if name != "" {
			o, err := ri.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, fmt.Errorf("%s %s/%s: %w", resource, namespace, name, err)
			}
			return []map[string]any{o.Object}, nil
		}
		if _, err := labels.Parse(selector); err != nil {
			return nil, fmt.Errorf("label selector %q: %w", selector, err)
		}
		list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return nil, fmt.Errorf("list %s in %s: %w", resource, namespace, err)
		}
		out := make([]map[string]any, 0, len(list.Items))
		for _, o := range list.Items {
			out = append(out, o.Object)
		}
		return out, nil
	}
}

// parseResource reads "group/version/resource" or "version/resource".
func parseResource(s string) (schema.GroupVersionResource, error) {
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 2:
		return schema.GroupVersionResource{Version: parts[0], Resource: parts[1]}, nil
	case 3:
		return schema.GroupVersionResource{Group: parts[0], Version: parts[1], Resource: parts[2]}, nil
	}
	return schema.GroupVersionResource{}, fmt.Errorf("resource %q: want group/version/resource", s)
}
