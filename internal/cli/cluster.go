package cli

import (
	"context"
	"fmt"
	"sort"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/cluster"
)

func newClusterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Work with destination clusters: cluster Secrets (straight against Kubernetes, as argocd's core mode)",
	}
	cmd.AddCommand(newClusterListCmd(), newClusterAddCmd(), newClusterRmCmd())
	return cmd
}

// clusterSecrets lists the cluster Secrets of a namespace, by name.
func clusterSecrets(ctx context.Context, c client.Reader, namespace string) ([]corev1.Secret, error) {
	var list corev1.SecretList
	if err := c.List(ctx, &list, client.InNamespace(namespace),
		client.MatchingLabels{cluster.SecretTypeLabel: cluster.SecretTypeCluster}); err != nil {
		return nil, fmt.Errorf("list cluster secrets in %s: %w", namespace, err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items, nil
}
