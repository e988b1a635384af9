package analysisrun_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/job"
)

// jobRun measures with a Job. The Job is managed by "the test" (managedBy),
// so the Job controller leaves it alone and the test decides how it ends,
// as a kubelet would.
const jobRun = `
metadata: {name: smoke}
spec:
  metrics:
  - name: smoke
    interval: 1s
    count: COUNT
    failureLimit: 0
    provider:
      job:
        metadata:
          labels: {team: checkout}
        spec:
          managedBy: tiphys.io/test
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: smoke, image: busybox, command: [sh, -c, "exit 0"]}
`

// Given a job metric, when its Jobs complete, then each measurement is
// Successful and the run ends Successful after count; when one fails, the
// run is Failed.
func TestJobMetric(t *testing.T) {
	env.Require(t)
	tests := []struct {
		name   string
		count  string
		endAs  []batchv1.JobConditionType
		phase  v1alpha1.AnalysisPhase
		result v1alpha1.MetricResult
	}{
		{
			name: "complete", count: "2", endAs: []batchv1.JobConditionType{batchv1.JobComplete, batchv1.JobComplete},
			phase:  v1alpha1.AnalysisPhaseSuccessful,
			result: v1alpha1.MetricResult{Count: 2, Successful: 2, ConsecutiveSuccess: 2},
		},
		{
			name: "failed", count: "2", endAs: []batchv1.JobConditionType{batchv1.JobFailed},
			phase:  v1alpha1.AnalysisPhaseFailed,
			result: v1alpha1.MetricResult{Count: 1, Failed: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ns := newNamespace(t)
			run := newRun(t, ns, jobRun, "COUNT", tt.count)
			run = getRun(t, run)
			for i, end := range tt.endAs {
				name := fmt.Sprintf("%s.smoke.%d", run.UID, i+1)
				j := waitJob(t, ns, name)
				if j.Labels["team"] != "checkout" || j.Labels[job.RunUIDLabel] != string(run.UID) ||
					j.Annotations[job.MetricNameAnnotation] != "smoke" || metav1.GetControllerOf(j).UID != run.UID {
					t.Errorf("job %s: labels %v annotations %v", name, j.Labels, j.Annotations)
				}
				cur := getRun(t, run)
				if m := result(t, cur, "smoke").Measurements; m[len(m)-1].Phase != v1alpha1.AnalysisPhaseRunning || m[len(m)-1].Metadata[job.MetadataJobName] != name {
					t.Errorf("measurement in flight: %+v", m[len(m)-1])
				}
				endJob(t, j, end)
			}
			done := waitPhase(t, run, tt.phase)
			r := result(t, done, "smoke")
			got := v1alpha1.MetricResult{Count: r.Count, Successful: r.Successful, Failed: r.Failed, ConsecutiveSuccess: r.ConsecutiveSuccess}
			if !equality.Semantic.DeepEqual(got, tt.result) {
				t.Errorf("result %+v, want %+v", got, tt.result)
			}
		})
	}
}

// Given a run whose Job is running, when the run is terminated, then the
// Job is deleted and the measurement ends Inconclusive "Metric
// Terminated", which makes the run Inconclusive, as in Argo.
func TestJobMetricTerminated(t *testing.T) {
	env.Require(t)
	t.Parallel()
	ns := newNamespace(t)
	run := getRun(t, newRun(t, ns, jobRun, "COUNT", "2"))
	waitJob(t, ns, fmt.Sprintf("%s.smoke.1", run.UID))
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"spec":{"terminate":true}}`))
	if err := env.Client.Patch(context.Background(), run, patch); err != nil {
		t.Fatal(err)
	}
	done := waitPhase(t, run, v1alpha1.AnalysisPhaseInconclusive)
	if m := result(t, done, "smoke").Measurements[0]; m.Phase != v1alpha1.AnalysisPhaseInconclusive || m.Message != "Metric Terminated" {
		t.Errorf("measurement %s %q", m.Phase, m.Message)
	}
	eventually(t, "jobs of "+run.Name+" deleted", func() (bool, error) {
		jobs, err := job.Jobs(context.Background(), env.Client, run, "")
		live := 0
		for _, j := range jobs {
			if j.DeletionTimestamp == nil {
				live++
			}
		}
		return err == nil && live == 0, fmt.Errorf("%d jobs (%v)", live, err)
	})
}

// waitJob waits for a Job to exist.
func waitJob(t *testing.T, ns, name string) *batchv1.Job {
	t.Helper()
	j := &batchv1.Job{}
	eventually(t, "job "+name, func() (bool, error) {
		err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, j)
		return err == nil, err
	})
	return j
}

// endJob writes the status a Job controller writes when the Job succeeds
// or fails.
func endJob(t *testing.T, j *batchv1.Job, end batchv1.JobConditionType) {
	t.Helper()
	now := metav1.NewTime(time.Now().Add(-time.Second))
	later := metav1.NewTime(now.Add(time.Second))
	j.Status.StartTime = &now
	switch end {
	case batchv1.JobComplete:
		j.Status.Succeeded = 1
		j.Status.CompletionTime = &later
		j.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: later},
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: later},
		}
	case batchv1.JobFailed:
		j.Status.Failed = 1
		j.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobFailureTarget, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded", LastTransitionTime: later},
			{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded", Message: "Job has reached the specified backoff limit", LastTransitionTime: later},
		}
	}
	if err := env.Client.Status().Update(context.Background(), j); err != nil {
		t.Fatalf("end job %s as %s: %v", j.Name, end, err)
	}
}
