package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/controller/application"
)

func newAppHistoryCmd() *cobra.Command {
	f := &appFlags{}
	var controllerNamespace string
	cmd := &cobra.Command{
		Use:   "history NAME",
		Short: "List an Application's past syncs (IDs for rollback) and its last rollback",
		Long: `List an Application's past syncs, with the IDs 'tiphys app rollback' takes, then its last
rollback: to which entry, by whom and why, the revert commit it pushed, and whether the app is
still held at that revision or the branch has caught up.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, app, err := f.loadApp(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, app.Status.History); ok {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tDATE\tREVISION")
			for _, h := range app.Status.History {
				rev := h.Revision
				if rev == "" {
					rev = strings.Join(h.Revisions, ",")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\n", h.ID, h.DeployedAt.Format(time.RFC3339), rev)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			hold, err := application.ReadHold(cmd.Context(), c, controllerNamespace, app.Namespace, app.Name)
			if errors.Is(err, errNotThroughServer) {
				return nil // the API server does not serve rollback holds yet
			}
			if err != nil || hold == nil {
				return err
			}
			printRollback(cmd.OutOrStdout(), hold)
			return nil
		},
	}
	f.register(cmd, "json|yaml")
	cmd.Flags().StringVar(&controllerNamespace, "controller-namespace", "argocd", "namespace of the controller (rollback holds)")
	return cmd
}

// printRollback writes the record of an app's last rollback.
func printRollback(out io.Writer, h *application.Hold) {
	fmt.Fprintf(out, "\nLast rollback: to history %d (revision %s) by %s at %s", h.HistoryID, h.RevisionText(), orDash(h.By), h.At.Format(time.RFC3339))
	if h.Reason != "" {
		fmt.Fprintf(out, ", reason: %s", h.Reason)
	}
	fmt.Fprintln(out)
	switch {
	case len(h.Reverts) > 1:
		fmt.Fprintf(out, "Revert commits: %s\n", strings.Join(h.Reverts, ", "))
	case h.Revert != "":
		fmt.Fprintf(out, "Revert commit: %s\n", h.Revert)
	}
	if h.Released != nil {
		fmt.Fprintf(out, "Hold: released at %s (the branch renders the rolled-back state)\n", h.Released.Format(time.RFC3339))
	} else {
		fmt.Fprintln(out, "Hold: active (automated sync stays at the revision until the branch renders the same)")
	}
}
