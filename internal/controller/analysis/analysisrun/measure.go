package analysisrun

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// terminatedMessage is a measurement's message when the run stopped it,
// as Argo's "Metric Terminated".
const terminatedMessage = "Metric Terminated"

// outcome is what one task gave: a measurement to record, or err when
// nothing may be recorded (the context ended).
type outcome struct {
	task        task
	measurement v1alpha1.Measurement
	metadata    map[string]string
	err         error
}

// measure runs the tasks at the same time, as Argo does, and returns their
// outcomes in the tasks' order. A metric whose provider is missing gets an
// Error measurement "provider X not supported". A measurement in flight is
// resumed (Resumer), or, when the run is terminating, terminated
// (Terminator; ended Inconclusive when the provider cannot stop it), and
// a stopped measurement that is Successful or Inconclusive says "Metric
// Terminated", as in Argo.
func (r *Reconciler) measure(ctx context.Context, run *v1alpha1.AnalysisRun, tasks []task, terminating bool) []outcome {
	out := make([]outcome, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = r.measureOne(ctx, run, t, terminating)
		}()
	}
	wg.Wait()
	return out
}

func (r *Reconciler) measureOne(ctx context.Context, run *v1alpha1.AnalysisRun, t task, terminating bool) outcome {
	o := outcome{task: t}
	provider, kind, err := r.Providers.For(t.metric)
	if err != nil {
		o.measurement = providerError(t.inFlight, err)
		return o
	}
	if reporter, ok := provider.(analysis.MetadataReporter); ok {
		o.metadata = reporter.ResultMetadata(t.metric)
	}
	switch {
	case t.inFlight == nil:
		o.measurement, o.err = provider.Measure(ctx, run, t.metric)
	case terminating:
		if terminator, ok := provider.(analysis.Terminator); ok {
			o.measurement, o.err = terminator.Terminate(ctx, run, t.metric, *t.inFlight)
		} else {
			o.measurement = finished(*t.inFlight, v1alpha1.AnalysisPhaseInconclusive, "")
		}
		if p := o.measurement.Phase; p == v1alpha1.AnalysisPhaseSuccessful || p == v1alpha1.AnalysisPhaseInconclusive {
			o.measurement.Message = terminatedMessage
		}
	default:
		if resumer, ok := provider.(analysis.Resumer); ok {
			o.measurement, o.err = resumer.Resume(ctx, run, t.metric, *t.inFlight)
		} else {
			o.measurement = finished(*t.inFlight, v1alpha1.AnalysisPhaseError, fmt.Sprintf("provider %s cannot resume a measurement", kind))
		}
	}
	return o
}

// providerError is an Error measurement for a metric whose provider is
// missing: the measurement in flight, or a new one.
func providerError(inFlight *v1alpha1.Measurement, err error) v1alpha1.Measurement {
	m := v1alpha1.Measurement{}
	if inFlight != nil {
		m = *inFlight
	} else {
		now := metav1.Now()
		m.StartedAt = &now
	}
	return finished(m, v1alpha1.AnalysisPhaseError, err.Error())
}

// finished ends a measurement now with a phase and message.
func finished(m v1alpha1.Measurement, phase v1alpha1.AnalysisPhase, message string) v1alpha1.Measurement {
	now := metav1.Now()
	m.Phase, m.Message, m.FinishedAt, m.ResumeAt = phase, message, &now, nil
	return m
}

// record writes outcomes into the run's status, as Argo's runMeasurements:
// a metric's first measurement creates its result (Running, dryRun, the
// provider's metadata); a finished measurement gets its finishedAt and is
// added to the counters ([analysis.Tally]); a resumed one replaces the
// measurement in flight. Secret argument values are replaced by ***** in
// messages, values and metadata. The first outcome that carries an error
// is returned, after the others were recorded.
func record(run *v1alpha1.AnalysisRun, outcomes []outcome, dryRun map[string]bool, secrets []string) error {
	var firstErr error
	for _, o := range outcomes {
		if o.err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("measure metric %q: %w", o.task.metric.Name, o.err)
			}
			continue
		}
		name := o.task.metric.Name
		result := resultOf(run, name)
		if result == nil {
			run.Status.MetricResults = append(run.Status.MetricResults, v1alpha1.MetricResult{
				Name:     name,
				Phase:    v1alpha1.AnalysisPhaseRunning,
				DryRun:   dryRun[name],
				Metadata: redactMap(o.metadata, secrets),
			})
			result = resultOf(run, name)
		}
		m := o.measurement
		m.Message = redact(m.Message, secrets)
		m.Value = redact(m.Value, secrets)
		m.Metadata = redactMap(m.Metadata, secrets)
		if analysis.Completed(m.Phase) {
			if m.FinishedAt == nil {
				now := metav1.Now()
				m.FinishedAt = &now
			}
			analysis.Tally(result, m.Phase)
		}
		if o.task.inFlight != nil && len(result.Measurements) > 0 {
			result.Measurements[len(result.Measurements)-1] = m
		} else {
			result.Measurements = append(result.Measurements, m)
		}
	}
	return firstErr
}

// redact hides secret argument values in text.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "*****")
		}
	}
	return s
}

func redactMap(in map[string]string, secrets []string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = redact(v, secrets)
	}
	return out
}

// metaTime is t as an API time.
func metaTime(t time.Time) metav1.Time {
	return metav1.NewTime(t)
}
