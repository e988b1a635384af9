package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newProjGetCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show an AppProject: sources, destinations, resource rules, sync windows, orphaned resources",
		Long: `Show an AppProject: its source repositories and namespaces, destinations, the
cluster and namespace resource whitelists and blacklists, sync windows and orphaned
resource monitoring. -o json|yaml prints the object.`,
		Example: `  tiphys proj get team-a
  tiphys proj get team-a -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			p, err := f.getProject(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, p); ok {
				return err
			}
			return printProject(cmd.OutOrStdout(), p)
		},
	}
	f.register(cmd, "json|yaml")
	f.registerServer(cmd)
	return cmd
}

// printProject prints a project as labelled lines, one line per item of
// a list, so long lists stay readable.
func printProject(out io.Writer, p *v1alpha1.AppProject) error {
	s := p.Spec
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	list := func(label string, items []string) {
		if len(items) == 0 {
			fmt.Fprintf(w, "%s:\t<none>\n", label)
			return
		}
		for i, it := range items {
			if i > 0 {
				label = ""
			} else {
				label += ":"
			}
			fmt.Fprintf(w, "%s\t%s\n", label, it)
		}
	}
	fmt.Fprintf(w, "Name:\t%s/%s\n", p.Namespace, p.Name)
	fmt.Fprintf(w, "Description:\t%s\n", s.Description)
	list("Source Repositories", s.SourceRepos)
	list("Source Namespaces", s.SourceNamespaces)
	var dests []string
	for _, d := range s.Destinations {
		dests = append(dests, destinationString(d))
	}
	list("Destinations", dests)
	fmt.Fprintf(w, "Only Project-Scoped Clusters:\t%v\n", s.PermitOnlyProjectScopedClusters)
	list("Cluster Resource Whitelist", clusterItems(s.ClusterResourceWhitelist))
	list("Cluster Resource Blacklist", clusterItems(s.ClusterResourceBlacklist))
	var nsWL, nsBL []string
	for _, r := range s.NamespaceResourceWhitelist {
		nsWL = append(nsWL, groupKind(r.Group, r.Kind, ""))
	}
	for _, r := range s.NamespaceResourceBlacklist {
		nsBL = append(nsBL, groupKind(r.Group, r.Kind, ""))
	}
	list("Namespace Resource Whitelist", nsWL)
	list("Namespace Resource Blacklist", nsBL)
	var windows []string
	for _, win := range s.SyncWindows {
		if win == nil {
			continue
		}
		windows = append(windows, fmt.Sprintf("%s %q for %s", win.Kind, win.Schedule, win.Duration))
	}
	list("Sync Windows", windows)
	fmt.Fprintf(w, "Orphaned Resources:\t%s\n", orphanedSummary(s.OrphanedResources))
	if o := s.OrphanedResources; o != nil {
		var ignored []string
		for _, k := range o.Ignore {
			ignored = append(ignored, groupKind(k.Group, k.Kind, k.Name))
		}
		list("Orphaned Resources Ignored", ignored)
	}
	return w.Flush()
}

func clusterItems(items []v1alpha1.ClusterResourceRestrictionItem) []string {
	var out []string
	for _, r := range items {
		out = append(out, groupKind(r.Group, r.Kind, r.Name))
	}
	return out
}
