package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// coreFlags are the connection flags of the proj, cluster and repo verbs,
// which read and write Argo CD's objects in its namespace straight through
// Kubernetes (Argo CD's core mode). The namespace flag is
// -N/--argocd-namespace: `cluster add --namespace` names the namespaces of
// a namespace-scoped cluster, as in argocd.
type coreFlags struct {
	appFlags
}

func (f *coreFlags) register(cmd *cobra.Command, outputs string) {
	cmd.Flags().StringVar(&f.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVarP(&f.namespace, "argocd-namespace", "N", "argocd",
		"namespace of Argo CD's objects (AppProjects, cluster and repository Secrets)")
	if outputs != "" {
		cmd.Flags().StringVarP(&f.output, "output", "o", "", "output format: "+outputs)
	}
}

// listClient checks the output format, then connects: the start of every
// verb that prints.
func (f *coreFlags) listClient() (client.Client, error) {
	if err := checkOutput(f.output); err != nil {
		return nil, err
	}
	return f.client()
}

// checkOutput refuses, before anything is read, an output format other
// than the table (""), json or yaml.
func checkOutput(format string) error {
	switch format {
	case "", "json", "yaml":
		return nil
	}
	return fmt.Errorf("unknown output format %q: use json or yaml", format)
}
