package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newProjListCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List AppProjects with their sources, destinations and resource rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.listClient()
			if err != nil {
				return err
			}
			var list v1alpha1.AppProjectList
			if err := c.List(cmd.Context(), &list, client.InNamespace(f.namespace)); err != nil {
				return fmt.Errorf("list appprojects in %s: %w", f.namespace, err)
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, list.Items); ok {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tDESCRIPTION\tDESTINATIONS\tSOURCES\tCLUSTER-RESOURCE-WHITELIST\tNAMESPACE-RESOURCE-BLACKLIST\tSYNC-WINDOWS\tORPHANED-RESOURCES")
			for i := range list.Items {
				p := &list.Items[i]
				s := p.Spec
				var dests, clusterWL, nsBL []string
				for _, d := range s.Destinations {
					dests = append(dests, destinationString(d))
				}
				for _, r := range s.ClusterResourceWhitelist {
					clusterWL = append(clusterWL, groupKind(r.Group, r.Kind, r.Name))
				}
				for _, r := range s.NamespaceResourceBlacklist {
					nsBL = append(nsBL, groupKind(r.Group, r.Kind, ""))
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.Name, s.Description, summary(dests, "destinations"),
					summary(s.SourceRepos, "repos"), summary(clusterWL, "resources"), summary(nsBL, "resources"),
					len(s.SyncWindows), orphanedSummary(s.OrphanedResources))
			}
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml")
	f.registerServer(cmd)
	return cmd
}

// summary shows one item as itself and more as a count, so a row stays
// one line: "3 destinations".
func summary(items []string, noun string) string {
	switch len(items) {
	case 0:
		return "<none>"
	case 1:
		return items[0]
	}
	return fmt.Sprintf("%d %s", len(items), noun)
}

// orphanedSummary says whether orphaned resources are monitored, and how.
func orphanedSummary(o *v1alpha1.OrphanedResourcesMonitorSettings) string {
	if o == nil {
		return "disabled"
	}
	s := "enabled"
	if o.Warn != nil && *o.Warn {
		s += " (warn)"
	}
	if len(o.Ignore) > 0 {
		s += fmt.Sprintf(", %d ignored", len(o.Ignore))
	}
	return s
}
