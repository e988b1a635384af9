package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func newAppsetDeleteCmd() *cobra.Command {
	f := &coreFlags{}
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an ApplicationSet and, through their owner references, its Applications",
		Long: `Delete an ApplicationSet. The Applications it owns go with it (Kubernetes' garbage
collector follows their owner references), and with them their resources where they
carry the resources finalizer, unless the set has preserveResourcesOnDeletion: then
the controller takes that finalizer off first, and their resources stay.

The command prints which Applications will be deleted and, when there are any,
deletes nothing without --yes.`,
		Example: `  tiphys appset delete services
  tiphys appset delete services --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			c, err := f.client()
			if err != nil {
				return err
			}
			set, err := getAppset(ctx, c, f.namespace, args[0])
			if err != nil {
				return err
			}
			owned, err := ownedBy(ctx, c, set)
			if err != nil {
				return err
			}
			names := make([]string, 0, len(owned))
			for _, a := range owned {
				names = append(names, a.Name)
			}
			preserve := set.Spec.SyncPolicy != nil && set.Spec.SyncPolicy.PreserveResourcesOnDeletion
			if len(names) > 0 {
				fmt.Fprintf(out, "Deleting applicationset %s/%s deletes its Applications: %s\n", set.Namespace, set.Name, strings.Join(names, ", "))
				if preserve {
					fmt.Fprintln(out, "Their resources stay in the cluster (preserveResourcesOnDeletion).")
				}
				if !yes {
					return fmt.Errorf("applicationset %s/%s owns %d Applications: run again with --yes to delete them with it",
						set.Namespace, set.Name, len(names))
				}
			}
			if err := c.Delete(ctx, set, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil {
				return fmt.Errorf("delete applicationset %s/%s: %w", set.Namespace, set.Name, err)
			}
			fmt.Fprintf(out, "applicationset %s/%s deleted\n", set.Namespace, set.Name)
			return nil
		},
	}
	f.register(cmd, "")
	f.registerServer(cmd)
	f.kubeOnlyVerb(cmd)
	cmd.Flags().BoolVar(&yes, "yes", false, "delete the set even though it owns Applications")
	return cmd
}
