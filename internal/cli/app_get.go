package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
)

func newAppGetCmd() *cobra.Command {
	f := &appFlags{}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show an Application: source, status, conditions and resources",
		Long: `Show an Application: its source and destination, sync and health status, the last
operation, conditions, and one line per resource. -o wide adds each resource's API
version, sync wave and the result of the last sync; -o json|yaml prints the object.`,
		Example: `  tiphys app get guestbook
  tiphys app get guestbook -o wide`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, app, err := f.loadApp(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, app); ok {
				return err
			}
			src := firstSource(app)
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "Name:\t%s/%s\n", app.Namespace, app.Name)
			fmt.Fprintf(w, "Project:\t%s\n", app.Spec.Project)
			if d := app.Spec.Destination; d.Name != "" {
				fmt.Fprintf(w, "Cluster:\t%s\n", d.Name)
			} else {
				fmt.Fprintf(w, "Server:\t%s\n", d.Server)
			}
			fmt.Fprintf(w, "Namespace:\t%s\n", app.Spec.Destination.Namespace)
			fmt.Fprintf(w, "Repo:\t%s\n", src.RepoURL)
			fmt.Fprintf(w, "Target:\t%s\n", src.TargetRevision)
			fmt.Fprintf(w, "Path:\t%s\n", src.Path)
			fmt.Fprintf(w, "SyncPolicy:\t%s\n", syncPolicy(app))
			fmt.Fprintf(w, "Sync Status:\t%s (%s)\n", app.Status.Sync.Status, app.Status.Sync.Revision)
			fmt.Fprintf(w, "Health Status:\t%s\n", app.Status.Health.Status)
			if os := app.Status.OperationState; os != nil {
				fmt.Fprintf(w, "Operation:\t%s: %s\n", os.Phase, os.Message)
			}
			for _, cond := range app.Status.Conditions {
				fmt.Fprintf(w, "Condition:\t%s: %s\n", cond.Type, cond.Message)
			}
			fmt.Fprintln(w)
			wide := f.output == "wide"
			synced := lastSyncResults(app)
			if wide {
				fmt.Fprintln(w, "GROUP\tKIND\tVERSION\tNAMESPACE\tNAME\tWAVE\tSTATUS\tHEALTH\tHOOK\tMESSAGE\tLAST SYNC")
			} else {
				fmt.Fprintln(w, "GROUP\tKIND\tNAMESPACE\tNAME\tSTATUS\tHEALTH\tHOOK\tMESSAGE")
			}
			for _, r := range app.Status.Resources {
				healthCode, msg := "", ""
				if r.Health != nil {
					healthCode, msg = string(r.Health.Status), r.Health.Message
				}
				hook := ""
				if r.Hook {
					hook = "hook"
				}
				if r.RequiresPruning {
					msg = "requires pruning"
				}
				if wide {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", r.Group, r.Kind, r.Version, r.Namespace, r.Name, r.SyncWave,
						r.Status, healthCode, hook, msg, synced[object.ID{Group: r.Group, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}])
					continue
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Group, r.Kind, r.Namespace, r.Name, r.Status, healthCode, hook, msg)
			}
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml|wide")
	return cmd
}

// lastSyncResults are the results of the last sync by resource:
// "Synced: configmap/x configured".
func lastSyncResults(app *v1alpha1.Application) map[object.ID]string {
	out := map[object.ID]string{}
	if os := app.Status.OperationState; os != nil && os.SyncResult != nil {
		for _, r := range os.SyncResult.Resources {
			out[object.ID{Group: r.Group, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}] = string(r.Status) + ": " + r.Message
		}
	}
	return out
}
