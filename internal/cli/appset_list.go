package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
)

func newAppsetListCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List ApplicationSets with how many Applications they own and their conditions",
		Long: `List the ApplicationSets of -N: NAME, APPLICATIONS (how many Applications the set owns
now, by owner reference) and CONDITIONS (the controller's ErrorOccurred and
ResourcesUpToDate conditions, or <none> before the controller has seen the set).
-o json|yaml prints the set objects.`,
		Example: `  tiphys appset list
  tiphys appset list -N team-a -o yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.listClient()
			if err != nil {
				return err
			}
			var list v1alpha1.ApplicationSetList
			if err := c.List(cmd.Context(), &list, client.InNamespace(f.namespace)); err != nil {
				return fmt.Errorf("list applicationsets in %s: %w", f.namespace, err)
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, list.Items); ok {
				return err
			}
			owned, err := ownedApps(cmd.Context(), c, f.namespace)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tAPPLICATIONS\tCONDITIONS")
			for i := range list.Items {
				s := &list.Items[i]
				fmt.Fprintf(w, "%s\t%d\t%s\n", s.Name, len(owned[string(s.UID)]), conditionSummary(s.Status.Conditions))
			}
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml")
	f.registerServer(cmd)
	return cmd
}

// conditionSummary shows the ErrorOccurred and ResourcesUpToDate
// conditions as TYPE=STATUS pairs: "ErrorOccurred=False,ResourcesUpToDate=True".
func conditionSummary(conds []v1alpha1.ApplicationSetCondition) string {
	var parts []string
	for _, t := range []string{applicationset.ConditionErrorOccurred, applicationset.ConditionResourcesUpToDate} {
		for _, c := range conds {
			if c.Type == t {
				parts = append(parts, fmt.Sprintf("%s=%s", t, c.Status))
			}
		}
	}
	if len(parts) == 0 {
		return "<none>"
	}
	return strings.Join(parts, ",")
}
