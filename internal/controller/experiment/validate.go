package experiment

import (
	"fmt"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Defaults Argo Rollouts gives an Experiment's optional fields.
const (
	// defaultProgressDeadline is progressDeadlineSeconds' default.
	defaultProgressDeadline = 600
	// defaultScaleDownDelay is scaleDownDelaySeconds' default.
	defaultScaleDownDelay = 30
)

// validate returns the InvalidSpec message of an Experiment, "" when it can
// run, with the checks and words of Argo's VerifyExperimentSpec, plus a
// duration that does not parse.
func validate(ex *v1alpha1.Experiment) string {
	seen := map[string]bool{}
	for i, t := range ex.Spec.Templates {
		if t.Selector == nil {
			return fmt.Sprintf("The .Spec.Templates[%d].Selector field must be specified", i)
		}
		if len(t.Selector.MatchLabels) == 0 && len(t.Selector.MatchExpressions) == 0 {
			return fmt.Sprintf("This experiment is selecting all pods at index %d. A non-empty selector is required.", i)
		}
		if t.MinReadySeconds > progressDeadline(ex.Spec) {
			return fmt.Sprintf("MinReadySeconds cannot be longer than ProgressDeadlineSeconds. Check template index %d", i)
		}
		if t.Name == "" {
			return fmt.Sprintf("Experiment %s has empty template name at index %d", ex.Name, i)
		}
		if seen[t.Name] {
			return fmt.Sprintf("Experiment %s has repeated template name '%s' in templates", ex.Name, t.Name)
		}
		seen[t.Name] = true
	}
	if _, err := durationOf(ex.Spec.Duration); err != nil {
		return fmt.Sprintf("spec.duration: %q is not a duration", ex.Spec.Duration)
	}
	return ""
}

// progressDeadline is progressDeadlineSeconds, 600 when unset.
func progressDeadline(spec v1alpha1.ExperimentSpec) int32 {
	if spec.ProgressDeadlineSeconds != nil {
		return *spec.ProgressDeadlineSeconds
	}
	return defaultProgressDeadline
}

// scaleDownDelay is scaleDownDelaySeconds, 30 when unset.
func scaleDownDelay(spec v1alpha1.ExperimentSpec) int32 {
	if spec.ScaleDownDelaySeconds != nil {
		return *spec.ScaleDownDelaySeconds
	}
	return defaultScaleDownDelay
}
