package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newAppListCmd() *cobra.Command {
	f := &appFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List Applications with their sync and health status",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.client()
			if err != nil {
				return err
			}
			var list v1alpha1.ApplicationList
			if err := c.List(cmd.Context(), &list, client.InNamespace(f.namespace)); err != nil {
				return fmt.Errorf("list applications: %w", err)
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, list.Items); ok {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			header := "NAME\tCLUSTER\tNAMESPACE\tPROJECT\tSTATUS\tHEALTH\tSYNCPOLICY\tCONDITIONS"
			if f.output == "wide" {
				header += "\tREPO\tPATH\tTARGET"
			}
			fmt.Fprintln(w, header)
			for _, a := range list.Items {
				// The cluster as the destination names it; an empty project
				// is the default one, as Argo CD shows it.
				dest, proj := a.Spec.Destination.Server, a.Spec.Project
				if dest == "" {
					dest = a.Spec.Destination.Name
				}
				if proj == "" {
					proj = "default"
				}
				line := fmt.Sprintf("%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", a.Namespace, a.Name, dest,
					a.Spec.Destination.Namespace, proj, a.Status.Sync.Status, a.Status.Health.Status,
					syncPolicy(&a), conditionTypes(&a))
				if f.output == "wide" {
					src := firstSource(&a)
					line += fmt.Sprintf("\t%s\t%s\t%s", src.RepoURL, src.Path, src.TargetRevision)
				}
				fmt.Fprintln(w, line)
			}
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml|wide")
	return cmd
}

func syncPolicy(a *v1alpha1.Application) string {
	p := a.Spec.SyncPolicy
	if p == nil || p.Automated == nil || (p.Automated.Enabled != nil && !*p.Automated.Enabled) {
		return "Manual"
	}
	s := "Auto"
	if p.Automated.Prune {
		s += "-Prune"
	}
	return s
}

func conditionTypes(a *v1alpha1.Application) string {
	if len(a.Status.Conditions) == 0 {
		return "<none>"
	}
	var types []string
	for _, c := range a.Status.Conditions {
		types = append(types, c.Type)
	}
	return strings.Join(types, ",")
}

func firstSource(a *v1alpha1.Application) v1alpha1.ApplicationSource {
	if a.Spec.Source != nil {
		return *a.Spec.Source
	}
	if len(a.Spec.Sources) > 0 {
		return a.Spec.Sources[0]
	}
	return v1alpha1.ApplicationSource{}
}
