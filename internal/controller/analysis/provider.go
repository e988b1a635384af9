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

// Resumer is a [Provider] whose measurements outlast one call, as Argo's
// providers' Resume: Measure may return a Running measurement (no
// FinishedAt), which the controller hands back to Resume on later
// reconciles until it is finished. A Running measurement may set ResumeAt,
// the earliest time the controller calls Resume again; without it the
// controller resumes at its next reconcile (for the job provider, the
// next change of the Job it watches). Errors are as for Measure: problems
// with the source are an Error measurement, a non-nil error records
// nothing. Providers whose measurements always finish in Measure
// (prometheus, web) need not implement it.
type Resumer interface {
	Resume(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric, measurement v1alpha1.Measurement) (v1alpha1.Measurement, error)
}

// Terminator is a [Resumer] that can stop a running measurement, as Argo's
// providers' Terminate: when the run ends (spec.terminate, or another
// metric failed) the controller calls it instead of Resume. It returns the
// finished measurement, as Argo Inconclusive for a stopped Job. A Resumer
// without Terminate has its running measurement ended Inconclusive by the
// controller.
type Terminator interface {
	Terminate(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric, measurement v1alpha1.Measurement) (v1alpha1.Measurement, error)
}

// GarbageCollector is a [Provider] that keeps objects per measurement (the
// job provider's Jobs), as Argo's providers' GarbageCollect: when a
// metric's measurement history is trimmed to limit measurements, the
// controller asks it to delete what belongs to older ones. An error is
// logged and retried at the next trim; it never fails the run.
type GarbageCollector interface {
	GarbageCollect(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric, limit int) error
}

// MetadataReporter is a [Provider] that describes a metric in its result's
// metadata, as Argo's providers' GetMetadata (the prometheus provider's
// ResolvedPrometheusQuery). The controller writes it once, when the
// metric's result is created.
type MetadataReporter interface {
	ResultMetadata(metric v1alpha1.Metric) map[string]string
}
