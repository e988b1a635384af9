package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/project"
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
			c, app, err := f.loadApp(cmd.Context(), args[0])
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
			if windows := syncWindowsLine(cmd.Context(), c, f.namespace, app, time.Now()); windows != "" {
				fmt.Fprintf(w, "Sync Windows:\t%s\n", windows)
			}
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
// syncWindowsLine tells whether the app's project's sync windows allow a
// sync now and which are active ("" when the project has none): as the
// controller decides, with the app's destination as its spec names it.
func syncWindowsLine(ctx context.Context, c client.Client, namespace string, app *v1alpha1.Application, now time.Time) string {
	p := &v1alpha1.AppProject{}
	name := app.Spec.Project
	if name == "" {
		name = "default"
	}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, p); err != nil || len(p.Spec.SyncWindows) == 0 {
		return ""
	}
	d := app.Spec.Destination
	t := project.WindowTarget{App: app.Name, Namespace: d.Namespace, Cluster: project.Cluster{Name: d.Name, Server: d.Server}}
	active, err := project.ActiveWindows(p, t, now)
	if err != nil {
		return "invalid: " + err.Error()
	}
	auto, _, _ := project.CanSync(p, t, false, now)
	manual, _, _ := project.CanSync(p, t, true, now)
	verdict := "sync allowed"
	switch {
	case !auto && manual:
		verdict = "automated sync denied, manual sync allowed"
	case !auto:
		verdict = "sync denied"
	}
	var names []string
	for _, w := range active {
		names = append(names, fmt.Sprintf("%s %q for %s", w.Kind, w.Schedule, w.Duration))
	}
	if len(names) == 0 {
		return verdict + "; none active"
	}
	return verdict + "; active: " + strings.Join(names, ", ")
}

func lastSyncResults(app *v1alpha1.Application) map[object.ID]string {
	out := map[object.ID]string{}
	if os := app.Status.OperationState; os != nil && os.SyncResult != nil {
		for _, r := range os.SyncResult.Resources {
			out[object.ID{Group: r.Group, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}] = string(r.Status) + ": " + r.Message
		}
	}
	return out
}
