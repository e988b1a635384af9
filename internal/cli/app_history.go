package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newAppHistoryCmd() *cobra.Command {
	f := &appFlags{}
	cmd := &cobra.Command{
		Use:   "history NAME",
		Short: "List an Application's past syncs (IDs for rollback)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, app, err := f.loadApp(cmd.Context(), args[0])
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
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml")
	return cmd
}
