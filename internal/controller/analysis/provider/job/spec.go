package job

import (
	"fmt"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// NewJob is the Job for a run's next measurement of a job metric, made as
// Argo makes it:
//
//   - named "<run UID>.<metric>.<n>", n the number of the measurement (the
//     metric's count plus errors so far, plus one), the metric name cut so
//     the whole fits 63 characters;
//   - in the run's namespace, controlled by the run (deleted with it);
//   - the metric's job metadata, plus the label analysisrun.argoproj.io/uid
//     (also on the pod template) and the annotations naming the run's
//     name, namespace and the metric.
func NewJob(run *v1alpha1.AnalysisRun, metric v1alpha1.Metric) *batchv1.Job {
	spec := metric.Provider.Job
	labels := copyMap(spec.Metadata.Labels)
	labels[RunUIDLabel] = string(run.UID)
	annotations := copyMap(spec.Metadata.Annotations)
	annotations[RunNameAnnotation] = run.Name
	annotations[RunNamespaceAnnotation] = run.Namespace
	annotations[MetricNameAnnotation] = metric.Name
	jobSpec := *spec.Spec.DeepCopy()
	podLabels := copyMap(jobSpec.Template.Labels)
	podLabels[RunUIDLabel] = string(run.UID)
	jobSpec.Template.Labels = podLabels
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:            Name(run, metric.Name),
			Namespace:       run.Namespace,
			Labels:          labels,
			Annotations:     annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(run, v1alpha1.SchemeGroupVersion.WithKind("AnalysisRun"))},
		},
		Spec: jobSpec,
	}
}

// Name is the name of the Job for a run's next measurement of a metric:
// "<run UID>.<metric>.<n>" as in Argo, n = count + error + 1 of the
// metric's result, the metric name shortened to keep 63 characters.
func Name(run *v1alpha1.AnalysisRun, metric string) string {
	n := 1
	for _, r := range run.Status.MetricResults {
		if r.Name == metric {
			n = int(r.Count+r.Error) + 1
		}
	}
	name := fmt.Sprintf("%s.%s.%d", run.UID, metric, n)
	if over := len(name) - maxNameLength; over > 0 && over < len(metric) {
		name = fmt.Sprintf("%s.%s.%d", run.UID, metric[:len(metric)-over], n)
	}
	return name
}

// sortOldestFirst orders Jobs by creation time, then by measurement number
// (creation times have a one-second resolution).
func sortOldestFirst(jobs []batchv1.Job) {
	sort.SliceStable(jobs, func(i, j int) bool {
		ti, tj := jobs[i].CreationTimestamp, jobs[j].CreationTimestamp
		if !ti.Equal(&tj) {
			return ti.Before(&tj)
		}
		return jobNumber(jobs[i].Name) < jobNumber(jobs[j].Name)
	})
}

func copyMap(in map[string]string) map[string]string {
	out := make(map[string]string, len(in)+3)
	for k, v := range in {
		out[k] = v
	}
	return out
}
