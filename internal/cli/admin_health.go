package cli

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/internal/health"
	"github.com/tiphys/tiphys/internal/render"
)

type adminHealthOptions struct {
	file     string
	argocdCM string
}

func newAdminHealthCmd() *cobra.Command {
	o := &adminHealthOptions{}
	cmd := &cobra.Command{
		Use:   "health -f OBJECTS.yaml [--argocd-cm FILE]",
		Short: "Print the health each object would get, with the Lua checks of an argocd-cm",
		Long: `Print the health status and message Tiphys gives each object in a YAML file (live objects,
say from 'kubectl get -o yaml'), using the built-in checks and, with --argocd-cm, the Lua
health customizations (resource.customizations.health.<group>_<kind>) of that ConfigMap.
Use it to debug a custom health check before you install it.`,
		Example: `  kubectl get certificates -A -o yaml > certs.yaml
  tiphys admin health -f certs.yaml --argocd-cm argocd-cm.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.OutOrStdout()) },
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "YAML or JSON file of objects (required)")
	cmd.Flags().StringVar(&o.argocdCM, "argocd-cm", "", "argocd-cm ConfigMap file with Lua health checks")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (o *adminHealthOptions) run(out io.Writer) error {
	var overrides health.Overrides
	if o.argocdCM != "" {
		b, err := os.ReadFile(o.argocdCM)
		if err != nil {
			return fmt.Errorf("argocd-cm: %w", err)
		}
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal(b, &cm); err != nil {
			return fmt.Errorf("argocd-cm %s: %w", o.argocdCM, err)
		}
		if overrides, err = health.LuaOverrides(cm.Data); err != nil {
			return fmt.Errorf("argocd-cm %s: %w", o.argocdCM, err)
		}
	}
	b, err := os.ReadFile(o.file)
	if err != nil {
		return fmt.Errorf("objects: %w", err)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KIND\tNAMESPACE\tNAME\tHEALTH\tMESSAGE")
	objs, err := render.ParseManifests(b)
	if err != nil {
		return fmt.Errorf("objects %s: %w", o.file, err)
	}
	for _, it := range objs {
		st, _ := health.Of(it, overrides)
		code, msg := "-", "no health check for this kind"
		if st != nil {
			code, msg = string(st.Code), st.Message
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", it.GetKind(), it.GetNamespace(), it.GetName(), code, msg)
	}
	return w.Flush()
}
