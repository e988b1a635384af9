package cli

import (
	"fmt"
	"io"
	"path"
	"text/tabwriter"

	"github.com/tiphys/tiphys/internal/health"
)

// conformance runs an Argo CD checkout's health fixtures and prints the
// summary per group, then the mismatches.
func (o *adminHealthOptions) conformance(out io.Writer) error {
	c, err := health.RunConformance(o.argocdRepo)
	if err != nil {
		return err
	}
	if o.group != "" {
		if _, err := path.Match(o.group, ""); err != nil {
			return fmt.Errorf("--group %q: %w", o.group, err)
		}
		kept := c.Groups[:0]
		for _, g := range c.Groups {
			if ok, _ := path.Match(o.group, g.Group); ok {
				kept = append(kept, g)
			}
		}
		c.Groups = kept
		if len(kept) == 0 {
			return fmt.Errorf("--group %q matches none of the checkout's groups", o.group)
		}
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "GROUP\tSTATUS\tMESSAGE")
	for _, g := range c.Groups {
		fmt.Fprintf(w, "%s\t%d/%d\t%d/%d\n", g.Group, g.Matched, g.Total, g.MessagesMatched, g.Total)
	}
	total, matched, messages := c.Totals()
	fmt.Fprintf(w, "total\t%d/%d (%s)\t%d/%d (%s)\n", matched, total, percent(matched, total), messages, total, percent(messages, total))
	if err := w.Flush(); err != nil {
		return err
	}
	for _, g := range c.Groups {
		for _, m := range g.Mismatches {
			if !m.StatusDiffers() && !o.messages {
				continue
			}
			got := "no health"
			if m.Got != nil {
				got = fmt.Sprintf("%s %q", m.Got.Code, m.Got.Message)
			}
			fmt.Fprintf(out, "\n%s\n  argo cd: %s %q\n  tiphys:  %s\n", m.File, m.Want.Code, m.Want.Message, got)
			if m.Deleting {
				fmt.Fprintln(out, "  (the object is being deleted: Argo CD's controller also reports Pending deletion before any script runs)")
			}
		}
		for _, b := range g.Broken {
			fmt.Fprintf(out, "\n%s\n  broken fixture, not counted: %v\n", b.File, b.Err)
		}
	}
	if total > 0 && float64(matched)*100 < o.minMatch*float64(total) {
		return fmt.Errorf("%s of the fixtures get Argo CD's status, below --min-match %g%%", percent(matched, total), o.minMatch)
	}
	return nil
}

func percent(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}
