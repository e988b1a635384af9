package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/install"
)

func newInstallCmd() *cobra.Command {
	var kubeconfig string
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Apply the argoproj.io CRDs, the argocd namespace and the controller's RBAC",
		Long: `Apply the Application, ApplicationSet and AppProject CRDs (and wait until they are
Established), the argocd namespace, and the controller's ServiceAccount and RBAC.
It uses server-side apply: running it again is safe and changes nothing.`,
		Example: `  tiphys install --kubeconfig .state/local/kubeconfig`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadKubeconfig(kubeconfig)
			if err != nil {
				return err
			}
			results, err := install.Apply(cmd.Context(), cfg, install.Options{})
			for _, r := range results {
				name := r.Name
				if r.Namespace != "" {
					name = r.Namespace + "/" + r.Name
				}
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s %s\n", r.Kind, name)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	return cmd
}
