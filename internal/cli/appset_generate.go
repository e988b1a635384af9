package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

type appsetGenerateOptions struct {
	file         string
	repoPaths    []string
	clustersFrom string
	namespace    string
	output       string
	cacheDir     string
}

func newAppsetGenerateCmd() *cobra.Command {
	o := &appsetGenerateOptions{}
	cmd := &cobra.Command{
		Use:   "generate -f APPSET.yaml",
		Short: "Print the Applications an ApplicationSet file would make, offline",
		Long: `Run the generators and template of the ApplicationSet in a file with the controller's
own code and print the Applications it would make, in name order, as the controller
would create them (without the owner reference, which needs the live set). A set
without a namespace is placed in -N, and so are Applications whose template names none.

Repositories are cloned into the local cache, unless --repo-path maps a repository
URL to a local directory, which is then read as it is. Without --clusters-from the
clusters generator sees only the implicit in-cluster entry; with it, the cluster
Secrets of -N in that cluster, whose repository Secrets then give credentials and
whose AppProjects and clusters check each Application, as the controller checks them.

A generator that fails, a parameter set whose template fails and an Application the
controller would refuse are errors (exit 1) naming the generator and the element.
-o yaml (the default) prints a YAML stream, -o json a JSON list of Applications,
-o name one application/NAME line per Application.`,
		Example: `  tiphys appset generate -f argocd/appsets/services.yaml
  tiphys appset generate -f services.yaml --repo-path https://git.example.com/platform/gitops.git=. -o name
  tiphys appset generate -f clusters.yaml --clusters-from ~/.kube/config:prod -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), cmd.OutOrStdout()) },
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "ApplicationSet YAML file (required)")
	cmd.Flags().StringArrayVar(&o.repoPaths, "repo-path", nil, "read repository URL from a local directory: URL=DIR (repeatable)")
	cmd.Flags().StringVar(&o.clustersFrom, "clusters-from", "", "read cluster Secrets, repository credentials and AppProjects from this cluster: KUBECONFIG[:CONTEXT]")
	cmd.Flags().StringVarP(&o.namespace, "argocd-namespace", "N", "argocd", "namespace of the set (when the file names none) and of Argo CD's objects in --clusters-from")
	cmd.Flags().StringVarP(&o.output, "output", "o", "yaml", "output format: yaml|json|name")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("repos"), "where repositories are cloned")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (o *appsetGenerateOptions) run(ctx context.Context, out io.Writer) error {
	switch o.output {
	case "yaml", "json", "name":
	default:
		return fmt.Errorf("unknown output format %q: use yaml, json or name", o.output)
	}
	set, err := readApplicationSet(o.file, o.namespace)
	if err != nil {
		return err
	}
	in := &generateInputs{repoPaths: o.repoPaths, cacheDir: o.cacheDir, namespace: o.namespace}
	if o.clustersFrom != "" {
		ref, err := parseKubeconfigRef(o.clustersFrom)
		if err != nil {
			return err
		}
		if in.client, err = ref.client(); err != nil {
			return err
		}
	}
	gen, err := in.generate(ctx, set)
	if err == nil {
		err = gen.problem(set)
	}
	if err != nil {
		return fmt.Errorf("file %s: %w", o.file, err)
	}
	return printApplications(out, o.output, gen.apps)
}

// printApplications prints generated Applications as a YAML stream, a JSON
// list or application/NAME lines. Status, empty as it is before the
// controller sees them, is left out.
func printApplications(out io.Writer, format string, apps []*v1alpha1.Application) error {
	objs := make([]map[string]any, 0, len(apps))
	for _, app := range apps {
		if format == "name" {
			if _, err := fmt.Fprintf(out, "application/%s\n", app.Name); err != nil {
				return err
			}
			continue
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(app)
		if err != nil {
			return fmt.Errorf("application %s: %w", app.Name, err)
		}
		delete(m, "status")
		if meta, ok := m["metadata"].(map[string]any); ok {
			delete(meta, "creationTimestamp")
		}
		objs = append(objs, m)
	}
	switch format {
	case "json":
		b, err := json.MarshalIndent(objs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(out, string(b))
		return err
	case "yaml":
		for _, m := range objs {
			b, err := yaml.Marshal(m)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(out, "---\n%s", b); err != nil {
				return err
			}
		}
	}
	return nil
}
