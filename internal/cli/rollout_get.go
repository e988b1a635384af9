package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newRolloutGetCmd shows one Rollout.
func newRolloutGetCmd() *cobra.Command {
	f := &rolloutFlags{}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a Rollout: strategy, steps, revisions, pauses and conditions",
		Long: `Show a Rollout: its strategy and phase, its canary steps with the current one
marked by an arrow, the stable and canary pod-template hashes, its pause conditions
and its conditions. -o json|yaml prints the whole object.`,
		Example: `  tiphys rollout get guestbook -N shop
  tiphys rollout get guestbook -N shop -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			_, ro, err := f.load(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, ro); ok {
				return err
			}
			return printRollout(cmd.OutOrStdout(), ro)
		},
	}
	f.register(cmd, "json|yaml")
	return cmd
}

// printRollout writes the human view of ro.
func printRollout(out io.Writer, ro *v1alpha1.Rollout) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Name:\t%s\n", ro.Name)
	fmt.Fprintf(w, "Namespace:\t%s\n", ro.Namespace)
	fmt.Fprintf(w, "Strategy:\t%s\n", rolloutStrategy(ro))
	fmt.Fprintf(w, "Status:\t%s\n", orDash(string(ro.Status.Phase)))
	if ro.Status.Message != "" {
		fmt.Fprintf(w, "Message:\t%s\n", ro.Status.Message)
	}
	if ro.Spec.Strategy.Canary != nil {
		fmt.Fprintf(w, "Step:\t%s\n", rolloutStep(ro))
		fmt.Fprintf(w, "Set weight:\t%s\n", rolloutSetWeight(ro))
	}
	fmt.Fprintf(w, "Paused:\t%t\n", ro.Spec.Paused)
	fmt.Fprintf(w, "Aborted:\t%t\n", ro.Status.Abort)
	fmt.Fprintf(w, "Stable hash:\t%s\n", orDash(ro.Status.StableRS))
	canary := ""
	if ro.Status.CurrentPodHash != ro.Status.StableRS {
		canary = ro.Status.CurrentPodHash
	}
	fmt.Fprintf(w, "Canary hash:\t%s\n", orDash(canary))
	fmt.Fprintf(w, "Replicas:\tready %d/%d, updated %d, available %d\n", ro.Status.ReadyReplicas,
		ro.Status.Replicas, ro.Status.UpdatedReplicas, ro.Status.AvailableReplicas)
	if err := w.Flush(); err != nil {
		return err
	}
	if c := ro.Spec.Strategy.Canary; c != nil && len(c.Steps) > 0 {
		fmt.Fprintln(out, "\nSteps:")
		cur := int32(0)
		if ro.Status.CurrentStepIndex != nil {
			cur = *ro.Status.CurrentStepIndex
		}
		for i, s := range c.Steps {
			mark := "  "
			if int32(i) == cur {
				mark = "->"
			}
			fmt.Fprintf(out, "%s %d. %s\n", mark, i, describeStep(s))
		}
	}
	if len(ro.Status.PauseConditions) > 0 {
		fmt.Fprintln(out, "\nPause conditions:")
		for _, p := range ro.Status.PauseConditions {
			fmt.Fprintf(out, "  %s since %s\n", p.Reason, p.StartTime.UTC().Format("2006-01-02T15:04:05Z"))
		}
	}
	if len(ro.Status.Conditions) > 0 {
		fmt.Fprintln(out, "\nConditions:")
		w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "  TYPE\tSTATUS\tREASON\tMESSAGE")
		for _, c := range ro.Status.Conditions {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", c.Type, c.Status, c.Reason, c.Message)
		}
		return w.Flush()
	}
	return nil
}

// describeStep is one line for a canary step: its kind and, compactly,
// its settings as JSON.
func describeStep(s v1alpha1.CanaryStep) string {
	switch {
	case s.SetWeight != nil:
		return fmt.Sprintf("setWeight: %d", *s.SetWeight)
	case s.Pause != nil:
		if s.Pause.Duration != nil {
			return "pause: " + s.Pause.Duration.String()
		}
		return "pause (until promoted)"
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "?"
	}
	return string(b)
}
