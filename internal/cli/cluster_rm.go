package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
)

func newClusterRmCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:     "rm NAME_OR_SERVER",
		Aliases: []string{"remove"},
		Short:   "Remove a destination cluster: delete its cluster Secret",
		Long: `Delete the cluster Secret whose name key or server is NAME_OR_SERVER. Nothing in the
cluster itself changes, and applications deploying there stay (their destination no
longer resolves). The in-cluster destination cannot be removed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.removeCluster(cmd.Context(), args[0], cmd.OutOrStdout())
		},
	}
	f.register(cmd, "")
	return cmd
}

func (f *coreFlags) removeCluster(ctx context.Context, target string, out io.Writer) error {
	if target == cluster.InClusterName || target == cluster.InCluster {
		return fmt.Errorf("cluster %s: the in-cluster destination cannot be removed", target)
	}
	c, err := f.client()
	if err != nil {
		return err
	}
	secrets, err := clusterSecrets(ctx, c, f.namespace)
	if err != nil {
		return err
	}
	var found []*corev1.Secret
	for i := range secrets {
		s := &secrets[i]
		if string(s.Data["server"]) == target || string(s.Data["name"]) == target {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("cluster %s: no cluster secret in %s has this name or server", target, f.namespace)
	case 1:
	default:
		var names []string
		for _, s := range found {
			names = append(names, s.Name)
		}
		return fmt.Errorf("cluster %s: several cluster secrets match (%s): delete the one meant with kubectl", target, strings.Join(names, ", "))
	}
	s := found[0]
	if string(s.Data["server"]) == cluster.InCluster {
		return fmt.Errorf("cluster %s: secret %s/%s is the in-cluster destination's, which cannot be removed", target, s.Namespace, s.Name)
	}
	if err := c.Delete(ctx, s); err != nil {
		return fmt.Errorf("delete cluster secret %s/%s of %s: %w", s.Namespace, s.Name, target, err)
	}
	fmt.Fprintf(out, "cluster %s removed: secret %s/%s deleted\n", target, s.Namespace, s.Name)
	if users := clusterUsers(ctx, c, string(s.Data["name"]), string(s.Data["server"])); len(users) > 0 {
		fmt.Fprintf(out, "warning: %d applications deploy to it (%s): they stop syncing with a condition; nothing of theirs is deleted\n",
			len(users), strings.Join(users, ", "))
	}
	return nil
}

// clusterUsers are the Applications whose destination names the cluster
// by name or server, as namespace/name.
func clusterUsers(ctx context.Context, c client.Client, name, server string) []string {
	var apps v1alpha1.ApplicationList
	if err := c.List(ctx, &apps); err != nil {
		return nil
	}
	var out []string
	for _, a := range apps.Items {
		if d := a.Spec.Destination; (name != "" && d.Name == name) || (server != "" && d.Server == server) {
			out = append(out, a.Namespace+"/"+a.Name)
		}
	}
	return out
}
