package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tiphys/tiphys/internal/rollout/action"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// newRolloutSetCmd groups the setters of a Rollout's fields.
func newRolloutSetCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "set", Short: "Change a field of a Rollout"}
	cmd.AddCommand(newRolloutSetImageCmd())
	return cmd
}

// newRolloutSetImageCmd changes a container's image, as `kubectl argo
// rollouts set image`: read, change, update, on the unstructured object
// so fields this build does not know survive.
func newRolloutSetImageCmd() *cobra.Command {
	f := &rolloutFlags{}
	cmd := &cobra.Command{
		Use:   "image NAME CONTAINER=IMAGE",
		Short: "Set the image of a container of a Rollout",
		Long: `Set the image of a container (init, regular or ephemeral) in the Rollout's pod
template; * names every container. With spec.workloadRef, the referenced
Deployment is updated instead.`,
		Example: `  tiphys rollout set image guestbook -N shop guestbook=argoproj/rollouts-demo:yellow
  tiphys rollout set image guestbook -N shop '*=argoproj/rollouts-demo:blue'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			container, image, ok := strings.Cut(args[1], "=")
			if !ok || container == "" || image == "" {
				return fmt.Errorf("invalid image update %q: want CONTAINER=IMAGE", args[1])
			}
			if f.server != "" {
				body := map[string]string{"container": container, "image": image}
				if err := f.api().rolloutWith(cmd.Context(), f.namespace, args[0], "set-image", body); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "rollout %q image updated\n", args[0])
				return nil
			}
			c, err := f.client()
			if err != nil {
				return err
			}
			kind, name, err := action.SetImage(cmd.Context(), c, client.ObjectKey{Namespace: f.namespace, Name: args[0]}, container, image)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %q image updated\n", kind, name)
			return nil
		},
	}
	f.register(cmd, "")
	return cmd
}
