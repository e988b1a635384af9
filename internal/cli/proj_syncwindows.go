package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/project"
)

func newProjWindowsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "windows",
		Short: "Work with an AppProject's sync windows",
	}
	cmd.AddCommand(newProjWindowsListCmd())
	return cmd
}

func newProjWindowsListCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "list PROJECT",
		Short: "List a project's sync windows",
		Example: `  tiphys proj windows list team-a
  tiphys proj windows list team-a -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			p, err := f.getProject(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			windows := p.Spec.SyncWindows
			if windows == nil {
				windows = v1alpha1.SyncWindows{}
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, windows); ok {
				return err
			}
			return printWindows(cmd.OutOrStdout(), p, time.Now())
		},
	}
	f.register(cmd, "json|yaml")
	f.registerServer(cmd)
	return cmd
}

// printWindows prints one row per sync window. The ACTIVE column appears
// once activeWindowNote knows something of a window.
func printWindows(out io.Writer, p *v1alpha1.AppProject, now time.Time) error {
	notes := make([]string, len(p.Spec.SyncWindows))
	active := false
	for i, win := range p.Spec.SyncWindows {
		if win != nil {
			notes[i] = activeWindowNote(p, win, now)
			active = active || notes[i] != ""
		}
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	header := "KIND\tSCHEDULE\tDURATION\tTIMEZONE\tAPPLICATIONS\tNAMESPACES\tCLUSTERS\tMANUALSYNC"
	if active {
		header = "ACTIVE\t" + header
	}
	fmt.Fprintln(w, header)
	for i, win := range p.Spec.SyncWindows {
		if win == nil {
			continue
		}
		manual := "Disabled"
		if win.ManualSync {
			manual = "Enabled"
		}
		tz := win.TimeZone
		if tz == "" {
			tz = "UTC"
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", win.Kind, win.Schedule, win.Duration, tz,
			joinOrDash(win.Applications), joinOrDash(win.Namespaces), joinOrDash(win.Clusters), manual)
		if active {
			row = notes[i] + "\t" + row
		}
		fmt.Fprintln(w, row)
	}
	return w.Flush()
}

// activeWindowNote is the ACTIVE cell of window w at now: "Active",
// "Inactive", or "Invalid: why" for a window that does not parse (it then
// blocks the syncs it applies to).
func activeWindowNote(_ *v1alpha1.AppProject, w *v1alpha1.SyncWindow, now time.Time) string {
	active, err := project.WindowActive(w, now)
	switch {
	case err != nil:
		return "Invalid: " + err.Error()
	case active:
		return "Active"
	}
	return "Inactive"
}

func joinOrDash(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	return strings.Join(items, ",")
}
