package cli

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newRolloutListCmd lists the Rollouts of a namespace.
func newRolloutListCmd() *cobra.Command {
	f := &rolloutFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List Rollouts with their strategy, phase, step and weight",
		Long: `List the Rollouts of a namespace. STATUS is status.phase, STEP the current canary
step out of the steps, SET WEIGHT the weight of the current or last setWeight step,
READY ready/replicas and AVAILABLE the available replicas.`,
		Example: `  tiphys rollout list -N shop
  tiphys rollout list -N shop -o yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			c, err := f.client()
			if err != nil {
				return err
			}
			var list v1alpha1.RolloutList
			if err := c.List(cmd.Context(), &list, client.InNamespace(f.namespace)); err != nil {
				return fmt.Errorf("list rollouts: %w", err)
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, list.Items); ok {
				return err
			}
			return printRollouts(cmd.OutOrStdout(), list.Items)
		},
	}
	f.register(cmd, "json|yaml")
	return cmd
}

// printRollouts writes the list table.
func printRollouts(out io.Writer, items []v1alpha1.Rollout) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tSTRATEGY\tSTATUS\tSTEP\tSET WEIGHT\tREADY\tAVAILABLE")
	for i := range items {
		ro := &items[i]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d/%d\t%d\n", ro.Name, rolloutStrategy(ro), orDash(string(ro.Status.Phase)),
			rolloutStep(ro), rolloutSetWeight(ro), ro.Status.ReadyReplicas, ro.Status.Replicas, ro.Status.AvailableReplicas)
	}
	return w.Flush()
}

// rolloutStrategy names a Rollout's strategy.
func rolloutStrategy(ro *v1alpha1.Rollout) string {
	switch {
	case ro.Spec.Strategy.BlueGreen != nil:
		return "BlueGreen"
	case ro.Spec.Strategy.Canary != nil:
		return "Canary"
	}
	return "-"
}

// rolloutStep is "current/steps" for a canary with steps, else "-".
func rolloutStep(ro *v1alpha1.Rollout) string {
	c := ro.Spec.Strategy.Canary
	if c == nil || len(c.Steps) == 0 {
		return "-"
	}
	i := int32(0)
	if ro.Status.CurrentStepIndex != nil {
		i = *ro.Status.CurrentStepIndex
	}
	return fmt.Sprintf("%d/%d", i, len(c.Steps))
}

// rolloutSetWeight is the weight the canary steps set so far: the last
// setWeight at or before the current step, 100 once the steps are done
// (or without steps), 0 before the first; "-" for blue-green.
func rolloutSetWeight(ro *v1alpha1.Rollout) string {
	c := ro.Spec.Strategy.Canary
	if c == nil {
		return "-"
	}
	i := 0
	if ro.Status.CurrentStepIndex != nil {
		i = int(*ro.Status.CurrentStepIndex)
	}
	if i >= len(c.Steps) {
		return "100"
	}
	for ; i >= 0; i-- {
		if w := c.Steps[i].SetWeight; w != nil {
			return strconv.Itoa(int(*w))
		}
	}
	return "0"
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
