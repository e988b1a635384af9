package cli

import (
	"errors"
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
	output   string
	// argocdRepo, group, messages and minMatch are the conformance run's.
	argocdRepo string
	group      string
	messages   bool
	minMatch   float64
}

// objectHealth is one object's health as -o json|yaml prints it.
type objectHealth struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	// Status is empty for a kind without health.
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

func newAdminHealthCmd() *cobra.Command {
	o := &adminHealthOptions{}
	cmd := &cobra.Command{
		Use:   "health (-f OBJECTS.yaml [--argocd-cm FILE] [-o json|yaml] | --argocd-repo DIR)",
		Short: "Print the health each object would get, with the Lua checks of an argocd-cm",
		Long: `Print the health status and message Tiphys gives each object in a YAML file (live objects,
say from 'kubectl get -o yaml'), using the built-in checks and, with --argocd-cm, the Lua
health customizations (resource.customizations.health.<group>_<kind>) of that ConfigMap.
Use it to debug a custom health check before you install it. With -o json or yaml it prints a
list of {apiVersion, kind, namespace, name, status, message} for scripts; status is empty for a
kind that has no health.

With --argocd-repo it measures the built-in checks against Argo CD's own: every fixture named by
the resource_customizations/<group>/<kind>/health_test.yaml files of an Argo CD checkout is
assessed, and a summary per group prints how many get Argo CD's status and message, then each
fixture whose status differs (with --messages, also those whose message differs). --min-match
makes it fail when fewer than that percentage of fixtures get Argo CD's status.`,
		Example: `  kubectl get certificates -A -o yaml > certs.yaml
  tiphys admin health -f certs.yaml --argocd-cm argocd-cm.yaml

  git clone --depth 1 https://github.com/argoproj/argo-cd /tmp/argo-cd
  tiphys admin health --argocd-repo /tmp/argo-cd --group 'cert-manager.io' --messages`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.argocdRepo != "" {
				return o.conformance(cmd.OutOrStdout())
			}
			if o.file == "" {
				return errors.New("one of -f FILE or --argocd-repo DIR is required")
			}
			return o.run(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "YAML or JSON file of objects")
	cmd.Flags().StringVar(&o.argocdCM, "argocd-cm", "", "argocd-cm ConfigMap file with Lua health checks")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "output format: json|yaml (default: a table)")
	cmd.Flags().StringVar(&o.argocdRepo, "argocd-repo", "", "Argo CD checkout whose resource_customizations fixtures to run")
	cmd.Flags().StringVar(&o.group, "group", "", "with --argocd-repo: only the groups matching this glob")
	cmd.Flags().BoolVar(&o.messages, "messages", false, "with --argocd-repo: list message mismatches too")
	cmd.Flags().Float64Var(&o.minMatch, "min-match", 0, "with --argocd-repo: fail below this percentage of matching statuses")
	cmd.MarkFlagsMutuallyExclusive("file", "argocd-repo")
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
	objs, err := render.ParseManifests(b)
	if err != nil {
		return fmt.Errorf("objects %s: %w", o.file, err)
	}
	results := make([]objectHealth, 0, len(objs))
	for _, it := range objs {
		r := objectHealth{APIVersion: it.GetAPIVersion(), Kind: it.GetKind(), Namespace: it.GetNamespace(), Name: it.GetName()}
		if st, _ := health.Of(it, overrides); st != nil {
			r.Status, r.Message = string(st.Code), st.Message
		}
		results = append(results, r)
	}
	if ok, err := printStructured(out, o.output, results); ok || err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KIND\tNAMESPACE\tNAME\tHEALTH\tMESSAGE")
	for _, r := range results {
		code, msg := r.Status, r.Message
		if code == "" {
			code, msg = "-", "no health check for this kind"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Namespace, r.Name, code, msg)
	}
	return w.Flush()
}
