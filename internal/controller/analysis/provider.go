package analysis

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// Provider takes one measurement of a metric from one kind of source
// (Prometheus, a web endpoint, ...), as Argo's metric providers' Run.
//
// The metric's arguments are already substituted ([ResolveMetric]).
// Whatever goes wrong with the source — unreachable, a host outside the
// allow-list, an unexpected answer, a condition that cannot be evaluated —
// is an Error measurement with a message and a nil error, which the metric
// counts toward consecutiveErrorLimit. A non-nil error means no measurement
// was taken and nothing should be recorded: ctx was cancelled by the caller,
// or the metric is not of the provider's kind.
type Provider interface {
	Measure(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric) (v1alpha1.Measurement, error)
}

// ErrWrongProvider is a metric handed to a provider of another kind.
var ErrWrongProvider = errors.New("metric is not for this provider")

// Measured is a finished measurement: its value as text, its phase from
// [Evaluate] and, for the Error phase, the message.
func Measured(startedAt metav1.Time, value string, phase v1alpha1.AnalysisPhase, message string) v1alpha1.Measurement {
	finishedAt := metav1.Now()
	return v1alpha1.Measurement{
		Phase:      phase,
		Message:    message,
		Value:      value,
		StartedAt:  &startedAt,
		FinishedAt: &finishedAt,
	}
}

// Errored is a finished Error measurement whose message is err's text.
func Errored(startedAt metav1.Time, value string, err error) v1alpha1.Measurement {
	return Measured(startedAt, value, v1alpha1.AnalysisPhaseError, err.Error())
}
