package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// appsetApp is one owned Application as `appset get` shows it.
type appsetApp struct {
	Name   string                    `json:"name"`
	Sync   v1alpha1.SyncStatusCode   `json:"sync"`
	Health v1alpha1.HealthStatusCode `json:"health"`
	// Step and State are the RollingSync progress (status.applicationStatus).
	Step  string `json:"step,omitempty"`
	State string `json:"state,omitempty"`
}

// appsetView is `appset get -o json|yaml`: the set and its Applications.
type appsetView struct {
	ApplicationSet *v1alpha1.ApplicationSet `json:"applicationSet"`
	Applications   []appsetApp              `json:"applications"`
}

func newAppsetGetCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show an ApplicationSet: generators, template, policy, strategy, conditions and its Applications",
		Long: `Show an ApplicationSet: its generators (by kind), the template's name, the
applications sync policy, the strategy, the controller's conditions, and each
Application it owns with its sync and health status and, for a RollingSync set, its
step and state. -o json|yaml prints {applicationSet, applications}.`,
		Example: `  tiphys appset get services
  tiphys appset get services -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.listClient()
			if err != nil {
				return err
			}
			set, err := getAppset(cmd.Context(), c, f.namespace, args[0])
			if err != nil {
				return err
			}
			owned, err := ownedBy(cmd.Context(), c, set)
			if err != nil {
				return err
			}
			view := appsetView{ApplicationSet: set, Applications: appsetApps(set, owned)}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, view); ok {
				return err
			}
			return printAppset(cmd.OutOrStdout(), view)
		},
	}
	f.register(cmd, "json|yaml")
	f.registerServer(cmd)
	return cmd
}

// appsetApps are the owned Applications with their rollout state.
func appsetApps(set *v1alpha1.ApplicationSet, owned []*v1alpha1.Application) []appsetApp {
	rolling := map[string]v1alpha1.ApplicationSetApplicationStatus{}
	for _, s := range set.Status.ApplicationStatus {
		rolling[s.Application] = s
	}
	out := make([]appsetApp, 0, len(owned))
	for _, a := range owned {
		row := appsetApp{Name: a.Name, Sync: a.Status.Sync.Status, Health: a.Status.Health.Status}
		if s, ok := rolling[a.Name]; ok {
			row.Step, row.State = s.Step, s.Status
		}
		out = append(out, row)
	}
	return out
}

// printAppset prints a set as labelled lines, then a table of its
// Applications.
func printAppset(out io.Writer, v appsetView) error {
	set := v.ApplicationSet
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Name:\t%s/%s\n", set.Namespace, set.Name)
	fmt.Fprintf(w, "Generators:\t%s\n", joinOrNone(generatorKinds(set.Spec.Generators), ", "))
	fmt.Fprintf(w, "Template Name:\t%s\n", set.Spec.Template.Name)
	fmt.Fprintf(w, "Policy:\t%s\n", appsetPolicy(set))
	fmt.Fprintf(w, "Strategy:\t%s\n", appsetStrategy(set))
	if len(set.Status.Conditions) == 0 {
		fmt.Fprintf(w, "Conditions:\t<none>\n")
	}
	for _, c := range set.Status.Conditions {
		fmt.Fprintf(w, "Condition:\t%s=%s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	rolling := set.Spec.Strategy != nil && set.Spec.Strategy.Type == "RollingSync"
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	if rolling {
		fmt.Fprintln(w, "APPLICATION\tSYNC\tHEALTH\tSTEP\tSTATE")
	} else {
		fmt.Fprintln(w, "APPLICATION\tSYNC\tHEALTH")
	}
	for _, a := range v.Applications {
		if rolling {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.Sync, a.Health, orNone(a.Step), orNone(a.State))
		} else {
			fmt.Fprintf(w, "%s\t%s\t%s\n", a.Name, a.Sync, a.Health)
		}
	}
	return w.Flush()
}

// appsetPolicy is the set's applications sync policy, as the set asks for
// it: the controller's --policy applies unless it allows overrides.
func appsetPolicy(set *v1alpha1.ApplicationSet) string {
	p := "controller default"
	var extra []string
	if sp := set.Spec.SyncPolicy; sp != nil {
		if sp.ApplicationsSync != nil {
			p = string(*sp.ApplicationsSync) + " (applies with the controller's policy override)"
		}
		if sp.PreserveResourcesOnDeletion {
			extra = append(extra, "preserveResourcesOnDeletion")
		}
	}
	if len(extra) > 0 {
		p += ", " + strings.Join(extra, ", ")
	}
	return p
}

// appsetStrategy is "AllAtOnce" or "RollingSync (N steps)".
func appsetStrategy(set *v1alpha1.ApplicationSet) string {
	s := set.Spec.Strategy
	if s == nil || s.Type == "" {
		return "AllAtOnce"
	}
	if s.Type == "RollingSync" {
		n := 0
		if s.RollingSync != nil {
			n = len(s.RollingSync.Steps)
		}
		return fmt.Sprintf("RollingSync (%d steps)", n)
	}
	return s.Type
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
