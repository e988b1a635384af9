package health

import (
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// cronJobHealth follows Argo CD's CronJob assessment
// (resource_customizations/batch/CronJob): a suspended CronJob counts as
// Healthy (Argo CD does not report it Suspended, argo-cd#24428); one never
// scheduled, never successful yet, or running a job is Healthy with a
// message saying so; one whose last success is older than its last
// schedule, with no job running, is Degraded; without a status it is
// Progressing.
func cronJobHealth(obj *unstructured.Unstructured) (*Status, error) {
	var cj batchv1.CronJob
	if err := convert(obj, &cj); err != nil {
		return nil, err
	}
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		return healthy("CronJob is Suspended"), nil
	}
	if _, hasStatus := obj.Object["status"]; !hasStatus {
		return progressing("Waiting for CronJob"), nil
	}
	st := cj.Status
	switch {
	case st.LastScheduleTime == nil:
		return healthy("CronJob has not been scheduled yet"), nil
	case st.LastSuccessfulTime == nil:
		return healthy("The CronJob never completed successfully. It may not be healthy"), nil
	case len(st.Active) > 0:
		return healthy("The job is running. Its last execution may not have been successful"), nil
	case st.LastSuccessfulTime.Before(st.LastScheduleTime):
		return degraded("CronJob has not completed its last execution successfully"), nil
	}
	return healthy("CronJob has completed its last execution successfully"), nil
}
