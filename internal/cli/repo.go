package cli

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/source/git"
)

func newRepoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "repo",
		Short: "Work with repository Secrets (straight against Kubernetes, as argocd's core mode)",
	}
	cmd.AddCommand(newRepoListCmd(), newRepoAddCmd(), newRepoRmCmd())
	return cmd
}

// repoSecrets lists the repository Secrets of a namespace, by name.
func repoSecrets(ctx context.Context, c client.Reader, namespace string) ([]corev1.Secret, error) {
	var list corev1.SecretList
	if err := c.List(ctx, &list, client.InNamespace(namespace),
		client.MatchingLabels{git.SecretTypeLabel: git.SecretTypeRepository}); err != nil {
		return nil, fmt.Errorf("list repository secrets in %s: %w", namespace, err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items, nil
}

// sameRepo is true when a repository Secret is for url in project.
func sameRepo(s *corev1.Secret, url, project string) bool {
	return git.NormalizeURL(string(s.Data["url"])) == git.NormalizeURL(url) && string(s.Data["project"]) == project
}

// repoSecretName is the name Argo CD's CLI gives a repository Secret:
// "repo-" and a hash of the URL and project.
func repoSecretName(url, project string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(url))
	_, _ = h.Write([]byte(project))
	return fmt.Sprintf("repo-%d", h.Sum32())
}
