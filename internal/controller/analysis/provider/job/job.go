// Package job measures a metric by running a Kubernetes Job, as Argo
// Rollouts' job metric provider: one batch/v1 Job per measurement in the
// AnalysisRun's namespace, owned by the run; the measurement is Successful
// when the Job completes and Failed when it fails.
package job

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// The keys Argo Rollouts puts on a measurement's metadata and on its Jobs;
// the same here, so tools that read them work unchanged.
const (
	// MetadataJobName is the measurement metadata key of its Job's name.
	MetadataJobName = "job-name"
	// MetadataJobNamespace is the measurement metadata key of its Job's namespace.
	MetadataJobNamespace = "job-namespace"
	// RunNameAnnotation on a Job is the name of the AnalysisRun that made it.
	RunNameAnnotation = "analysisrun.argoproj.io/name"
	// RunNamespaceAnnotation on a Job is the namespace of that AnalysisRun.
	RunNamespaceAnnotation = "analysisrun.argoproj.io/namespace"
	// MetricNameAnnotation on a Job is the name of the metric it measures.
	MetricNameAnnotation = "analysisrun.argoproj.io/metric-name"
	// RunUIDLabel on a Job and its pod template is the run's UID.
	RunUIDLabel = "analysisrun.argoproj.io/uid"
)

// maxNameLength bounds a Job's name: the Job controller copies it into a
// label of its pods, and label values have at most 63 characters.
const maxNameLength = 63

// lookupGrace is how long after its creation a Job missing from the cache
// is taken for a cache that has not seen it yet, not for a deleted Job.
const lookupGrace = time.Minute

// lookupRetry is when a Job not found within lookupGrace is looked for again.
const lookupRetry = 5 * time.Second

// Options configure the provider.
type Options struct {
	// Client creates and deletes Jobs and reads them (from the manager's
	// cache, which should hold Jobs).
	Client client.Client
	// APIReader reads a Job the cache does not hold yet, straight from the
	// API server; optional.
	APIReader client.Reader
}

// Provider runs Jobs. It is safe for concurrent use.
type Provider struct {
	opts Options
}

var (
	_ analysis.Provider         = (*Provider)(nil)
	_ analysis.Resumer          = (*Provider)(nil)
	_ analysis.Terminator       = (*Provider)(nil)
	_ analysis.GarbageCollector = (*Provider)(nil)
)

// New returns a provider.
func New(opts Options) *Provider {
	return &Provider{opts: opts}
}

// Measure creates the measurement's Job and returns a Running measurement
// that names it in its metadata (job-name, job-namespace). As in Argo, a
// Job of that name that the run already owns (a create repeated after a
// lost status write) is taken over; any other failure to create it is an
// Error measurement. The measurement sets no resumeAt: the controller
// watches the Jobs it owns and resumes at the Job's next change.
func (p *Provider) Measure(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric) (v1alpha1.Measurement, error) {
	if metric.Provider.Job == nil {
		return v1alpha1.Measurement{}, fmt.Errorf("metric %q: %w", metric.Name, analysis.ErrWrongProvider)
	}
	started := metav1.Now()
	job := NewJob(run, metric)
	err := p.opts.Client.Create(ctx, job)
	if apierrors.IsAlreadyExists(err) {
		err = p.adopt(ctx, run, job)
	}
	if err != nil {
		if ctx.Err() != nil {
			return v1alpha1.Measurement{}, fmt.Errorf("create job %s: %w", job.Name, ctx.Err())
		}
		return analysis.Errored(started, "", fmt.Errorf("create job %s: %w", job.Name, err)), nil
	}
	return v1alpha1.Measurement{
		Phase:     v1alpha1.AnalysisPhaseRunning,
		StartedAt: &started,
		Metadata:  map[string]string{MetadataJobName: job.Name, MetadataJobNamespace: job.Namespace},
	}, nil
}

// adopt checks that the existing Job of the same name belongs to the run.
func (p *Provider) adopt(ctx context.Context, run *v1alpha1.AnalysisRun, job *batchv1.Job) error {
	existing := &batchv1.Job{}
	if err := p.get(ctx, client.ObjectKeyFromObject(job), existing); err != nil {
		return err
	}
	if owner := metav1.GetControllerOf(existing); owner == nil || owner.UID != run.UID {
		return fmt.Errorf("job %s/%s exists and belongs to another owner", job.Namespace, job.Name)
	}
	return nil
}

// Resume reads the measurement's Job: Complete is a Successful measurement,
// Failed a Failed one, as Argo; otherwise the measurement stays Running
// (without resumeAt). A Job that is gone (deleted by someone else) is an
// Error measurement, once it has been missing for a minute after its
// creation (before that, the cache may not have seen it yet, and the
// measurement is looked at again every few seconds).
func (p *Provider) Resume(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric, m v1alpha1.Measurement) (v1alpha1.Measurement, error) {
	key, err := jobKey(run, m)
	if err != nil {
		return finish(m, v1alpha1.AnalysisPhaseError, err.Error()), nil
	}
	job := &batchv1.Job{}
	err = p.opts.Client.Get(ctx, key, job)
	if apierrors.IsNotFound(err) && p.opts.APIReader != nil {
		err = p.opts.APIReader.Get(ctx, key, job)
	}
	if apierrors.IsNotFound(err) && m.StartedAt != nil && time.Since(m.StartedAt.Time) < lookupGrace {
		// Created a moment ago and not in the cache yet: the Job's create
		// event resumes the run; look again soon in case it never comes.
		again := metav1.NewTime(time.Now().Add(lookupRetry))
		m.ResumeAt = &again
		return m, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return v1alpha1.Measurement{}, fmt.Errorf("read job %s: %w", key, ctx.Err())
		}
		return finish(m, v1alpha1.AnalysisPhaseError, fmt.Sprintf("read job %s: %v", key, err)), nil
	}
	switch JobPhase(job) {
	case v1alpha1.AnalysisPhaseSuccessful:
		return finish(m, v1alpha1.AnalysisPhaseSuccessful, ""), nil
	case v1alpha1.AnalysisPhaseFailed:
		return finish(m, v1alpha1.AnalysisPhaseFailed, failedMessage(job)), nil
	}
	m.ResumeAt = nil // the Job's next change resumes the run
	return m, nil
}

// JobPhase is a Job's measurement phase from its conditions: Successful
// for Complete, Failed for Failed (each with status True), else Running.
func JobPhase(job *batchv1.Job) v1alpha1.AnalysisPhase {
	for _, c := range job.Status.Conditions {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return v1alpha1.AnalysisPhaseSuccessful
		case batchv1.JobFailed:
			return v1alpha1.AnalysisPhaseFailed
		}
	}
	return v1alpha1.AnalysisPhaseRunning
}

// failedMessage is the Failed condition's reason and message, if any.
func failedMessage(job *batchv1.Job) string {
	for _, c := range job.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == "True" && (c.Reason != "" || c.Message != "") {
			return fmt.Sprintf("job %s failed: %s %s", job.Name, c.Reason, c.Message)
		}
	}
	return ""
}

// Terminate deletes the measurement's Job (its pods with it) and ends the
// measurement Inconclusive, as Argo. A Job already gone is fine; a delete
// that fails is an Error measurement.
func (p *Provider) Terminate(ctx context.Context, run *v1alpha1.AnalysisRun, _ v1alpha1.Metric, m v1alpha1.Measurement) (v1alpha1.Measurement, error) {
	key, err := jobKey(run, m)
	if err != nil {
		return finish(m, v1alpha1.AnalysisPhaseError, err.Error()), nil
	}
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: key.Name, Namespace: key.Namespace}}
	if err := p.delete(ctx, job); err != nil {
		return finish(m, v1alpha1.AnalysisPhaseError, fmt.Sprintf("delete job %s: %v", key, err)), nil
	}
	return finish(m, v1alpha1.AnalysisPhaseInconclusive, ""), nil
}

// GarbageCollect deletes the metric's oldest Jobs of this run so that at
// most limit remain, oldest by creation time. Unlike Argo, which counts
// the Jobs of all the run's metrics together, only this metric's Jobs
// count.
func (p *Provider) GarbageCollect(ctx context.Context, run *v1alpha1.AnalysisRun, metric v1alpha1.Metric, limit int) error {
	jobs, err := Jobs(ctx, p.opts.Client, run, metric.Name)
	if err != nil {
		return err
	}
	for i := 0; i < len(jobs)-limit; i++ {
		if err := p.delete(ctx, &jobs[i]); err != nil {
			return fmt.Errorf("delete job %s/%s: %w", jobs[i].Namespace, jobs[i].Name, err)
		}
	}
	return nil
}

// Jobs lists a run's Jobs for one metric (every metric when metric is
// empty), oldest first: by creation time, then by the measurement number
// that ends their name.
func Jobs(ctx context.Context, c client.Reader, run *v1alpha1.AnalysisRun, metric string) ([]batchv1.Job, error) {
	var list batchv1.JobList
	if err := c.List(ctx, &list, client.InNamespace(run.Namespace), client.MatchingLabels{RunUIDLabel: string(run.UID)}); err != nil {
		return nil, fmt.Errorf("list jobs of analysisrun %s/%s: %w", run.Namespace, run.Name, err)
	}
	var out []batchv1.Job
	for _, j := range list.Items {
		if metric == "" || j.Annotations[MetricNameAnnotation] == metric {
			out = append(out, j)
		}
	}
	sortOldestFirst(out)
	return out, nil
}

// delete removes a Job in the background with its pods; gone is fine.
func (p *Provider) delete(ctx context.Context, job *batchv1.Job) error {
	err := p.opts.Client.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground))
	return client.IgnoreNotFound(err)
}

// get reads a Job from the cache, else from the API server.
func (p *Provider) get(ctx context.Context, key client.ObjectKey, job *batchv1.Job) error {
	err := p.opts.Client.Get(ctx, key, job)
	if apierrors.IsNotFound(err) && p.opts.APIReader != nil {
		err = p.opts.APIReader.Get(ctx, key, job)
	}
	return err
}

// jobKey is the Job a measurement names, in the run's namespace by default.
func jobKey(run *v1alpha1.AnalysisRun, m v1alpha1.Measurement) (client.ObjectKey, error) {
	name := m.Metadata[MetadataJobName]
	if name == "" {
		return client.ObjectKey{}, errors.New("measurement names no job (metadata job-name missing)")
	}
	ns := m.Metadata[MetadataJobNamespace]
	if ns == "" {
		ns = run.Namespace
	}
	return client.ObjectKey{Namespace: ns, Name: name}, nil
}

// finish ends a measurement with a phase and message, now.
func finish(m v1alpha1.Measurement, phase v1alpha1.AnalysisPhase, message string) v1alpha1.Measurement {
	now := metav1.Now()
	m.Phase = phase
	m.Message = message
	m.FinishedAt = &now
	m.ResumeAt = nil
	return m
}

// jobNumber is the number at the end of a Job's name, 0 if none.
func jobNumber(name string) int {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			n, _ := strconv.Atoi(name[i+1:])
			return n
		}
	}
	return 0
}
