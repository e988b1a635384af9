package job

import (
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

const uid = "5f0c1b2a-3d4e-4f50-8a9b-0c1d2e3f4a5b"

func TestName(t *testing.T) {
	run := func(results ...v1alpha1.MetricResult) *v1alpha1.AnalysisRun {
		r := &v1alpha1.AnalysisRun{ObjectMeta: metav1.ObjectMeta{UID: uid}}
		r.Status.MetricResults = results
		return r
	}
	long := strings.Repeat("m", 40)
	tests := []struct {
		name   string
		run    *v1alpha1.AnalysisRun
		metric string
		want   string
	}{
		{name: "first measurement", run: run(), metric: "smoke", want: uid + ".smoke.1"},
		{name: "counts and errors", run: run(v1alpha1.MetricResult{Name: "smoke", Count: 2, Error: 1}), metric: "smoke", want: uid + ".smoke.4"},
		{name: "other metric's result", run: run(v1alpha1.MetricResult{Name: "other", Count: 5}), metric: "smoke", want: uid + ".smoke.1"},
		{name: "long metric name cut to 63", run: run(), metric: long, want: uid + "." + long[:63-len(uid)-3] + ".1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Name(tt.run, tt.metric)
			if got != tt.want {
				t.Errorf("Name = %q, want %q", got, tt.want)
			}
			if len(got) > maxNameLength {
				t.Errorf("Name has %d characters", len(got))
			}
		})
	}
}

func TestNewJob(t *testing.T) {
	run := &v1alpha1.AnalysisRun{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "ns", UID: uid}}
	metric := v1alpha1.Metric{Name: "smoke", Provider: v1alpha1.MetricProvider{Job: &v1alpha1.JobMetric{
		Metadata: metav1.ObjectMeta{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"note": "x"}},
		Spec:     batchv1.JobSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "smoke"}}}},
	}}}
	job := NewJob(run, metric)
	if job.Namespace != "ns" || job.Name != uid+".smoke.1" {
		t.Errorf("job %s/%s", job.Namespace, job.Name)
	}
	if job.Labels[RunUIDLabel] != uid || job.Labels["team"] != "a" || job.Spec.Template.Labels[RunUIDLabel] != uid || job.Spec.Template.Labels["app"] != "smoke" {
		t.Errorf("labels %v, pod labels %v", job.Labels, job.Spec.Template.Labels)
	}
	if job.Annotations[RunNameAnnotation] != "r" || job.Annotations[RunNamespaceAnnotation] != "ns" || job.Annotations[MetricNameAnnotation] != "smoke" || job.Annotations["note"] != "x" {
		t.Errorf("annotations %v", job.Annotations)
	}
	if owner := metav1.GetControllerOf(job); owner == nil || owner.UID != uid || owner.Kind != "AnalysisRun" {
		t.Errorf("owner %+v", owner)
	}
	if _, ok := metric.Provider.Job.Spec.Template.Labels[RunUIDLabel]; ok {
		t.Error("the metric's template was changed")
	}
}

func TestJobPhase(t *testing.T) {
	cond := func(ct batchv1.JobConditionType, s corev1.ConditionStatus) *batchv1.Job {
		return &batchv1.Job{Status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{{Type: ct, Status: s}}}}
	}
	tests := []struct {
		name string
		job  *batchv1.Job
		want v1alpha1.AnalysisPhase
	}{
		{name: "no conditions", job: &batchv1.Job{}, want: v1alpha1.AnalysisPhaseRunning},
		{name: "complete", job: cond(batchv1.JobComplete, corev1.ConditionTrue), want: v1alpha1.AnalysisPhaseSuccessful},
		{name: "failed", job: cond(batchv1.JobFailed, corev1.ConditionTrue), want: v1alpha1.AnalysisPhaseFailed},
		{name: "failed false", job: cond(batchv1.JobFailed, corev1.ConditionFalse), want: v1alpha1.AnalysisPhaseRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JobPhase(tt.job); got != tt.want {
				t.Errorf("JobPhase = %s, want %s", got, tt.want)
			}
		})
	}
}
