package analysisrun

import (
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// validate checks a run's metrics, arguments substituted, as Argo's
// ValidateMetrics does before measuring: at least one metric, unique
// names, limits in range and consistent with count, an interval when
// count > 1, durations that parse, and exactly one provider.
func validate(metrics []v1alpha1.Metric) error {
	if len(metrics) == 0 {
		return errors.New("no metrics specified")
	}
	seen := make(map[string]bool, len(metrics))
	for i, m := range metrics {
		if seen[m.Name] {
			return fmt.Errorf("metrics[%d]: duplicate name %q", i, m.Name)
		}
		seen[m.Name] = true
		if err := validateMetric(m); err != nil {
			return fmt.Errorf("metrics[%d] %q: %w", i, m.Name, err)
		}
	}
	return nil
}

func validateMetric(m v1alpha1.Metric) error {
	count := intOr(m.Count, 0)
	failureLimit := intOr(m.FailureLimit, 0)
	successLimit := intOr(m.ConsecutiveSuccessLimit, 0)
	inconclusiveLimit := intOr(m.InconclusiveLimit, 0)
	switch {
	case successLimit < 0:
		return errors.New("consecutiveSuccessLimit must be >= 0")
	case failureLimit < -1:
		return errors.New("failureLimit must be >= 0, or -1 to turn it off")
	case successLimit == 0 && failureLimit == -1:
		return errors.New("failureLimit and consecutiveSuccessLimit cannot both be off")
	case inconclusiveLimit < 0:
		return errors.New("inconclusiveLimit must be >= 0")
	case intOr(m.ConsecutiveErrorLimit, 0) < 0:
		return errors.New("consecutiveErrorLimit must be >= 0")
	}
	if count > 0 {
		if failureLimit >= 0 && count < failureLimit+successLimit {
			return fmt.Errorf("count (%d) must be >= failureLimit + consecutiveSuccessLimit (%d + %d)", count, failureLimit, successLimit)
		}
		if failureLimit < 0 && count < successLimit {
			return errors.New("count must be >= consecutiveSuccessLimit")
		}
		if count < inconclusiveLimit {
			return errors.New("count must be >= inconclusiveLimit")
		}
	}
	if count > 1 && m.Interval == "" {
		return errors.New("interval must be set when count > 1")
	}
	if _, err := duration(m.Interval); err != nil {
		return fmt.Errorf("interval: %w", err)
	}
	if _, err := duration(m.InitialDelay); err != nil {
		return fmt.Errorf("initialDelay: %w", err)
	}
	switch kinds := providerKinds(m.Provider); len(kinds) {
	case 0:
		return errors.New("no provider specified")
	case 1:
	default:
		return fmt.Errorf("multiple providers specified: %v", kinds)
	}
	return nil
}

// duration reads a DurationString ("30s", "5m"); empty is 0.
func duration(d v1alpha1.DurationString) (time.Duration, error) {
	if d == "" {
		return 0, nil
	}
	return time.ParseDuration(string(d))
}

// intOr reads an optional number as intstr's IntValue, as Argo does.
func intOr(v *intstr.IntOrString, fallback int) int {
	if v == nil {
		return fallback
	}
	return v.IntValue()
}
