package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/action"
)

// newRolloutCmd groups the verbs that read and steer Argo Rollouts'
// Rollouts. Every write is the patch Argo Rollouts' kubectl plugin sends
// for the same verb, so the controller sees the same request either way.
func newRolloutCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rollout",
		Aliases: []string{"rollouts", "ro"},
		Short:   "Work with Rollouts (the patches of Argo Rollouts' kubectl plugin)",
	}
	cmd.AddCommand(newRolloutListCmd(), newRolloutGetCmd(), newRolloutPauseCmd(), newRolloutResumeCmd(),
		newRolloutPromoteCmd(), newRolloutAbortCmd(), newRolloutRetryCmd(), newRolloutRestartCmd(),
		newRolloutUndoCmd(), newRolloutSetCmd())
	return cmd
}

// rolloutFlags are the connection flags of the rollout verbs: the
// kubeconfig, -N/--namespace of the Rollouts and, for the verbs that
// print, -o.
type rolloutFlags struct {
	appFlags
	// action names the verb for the API server (POST
	// /api/v1/rollouts/{ns}/{name}/{action}) when it is not the verb's
	// own name; nil: the name.
	action func() (string, error)
}

func (f *rolloutFlags) register(cmd *cobra.Command, outputs string) {
	cmd.Flags().StringVar(&f.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVarP(&f.namespace, "namespace", "N", "default", "namespace of the Rollouts")
	f.registerServer(cmd)
	if outputs != "" {
		cmd.Flags().StringVarP(&f.output, "output", "o", "", "output format: "+outputs)
	}
}

// load connects and reads the Rollout name.
func (f *rolloutFlags) load(ctx context.Context, name string) (client.Client, *v1alpha1.Rollout, error) {
	c, err := f.client()
	if err != nil {
		return nil, nil, err
	}
	ro := &v1alpha1.Rollout{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: f.namespace, Name: name}, ro); err != nil {
		return nil, nil, fmt.Errorf("rollout %s/%s: %w", f.namespace, name, err)
	}
	return c, ro, nil
}

// rolloutVerb builds a verb that reads one Rollout, works out its patch
// and applies it, then says done.
func rolloutVerb(use, short, long, example, done string, patch func(*v1alpha1.Rollout) (action.Patch, error)) (*cobra.Command, *rolloutFlags) {
	f := &rolloutFlags{}
	cmd := &cobra.Command{
		Use:     use + " NAME",
		Short:   short,
		Long:    long,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.server != "" {
				act := use
				if f.action != nil {
					var err error
					if act, err = f.action(); err != nil {
						return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
					}
				}
				ro, err := f.api().rolloutAction(cmd.Context(), f.namespace, args[0], act)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "rollout '%s' %s\n", ro.Name, done)
				return nil
			}
			c, ro, err := f.load(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			p, err := patch(ro)
			if err != nil {
				return err
			}
			if err := p.Apply(cmd.Context(), c, ro); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rollout '%s' %s\n", ro.Name, done)
			return nil
		},
	}
	f.register(cmd, "")
	return cmd, f
}
