package health

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// CronJob, HPA and Pod cases written from Argo CD's assessment rules (see
// each check's doc comment): status and message.
func TestCronJobHPAPod(t *testing.T) {
	tests := []struct {
		name string
		obj  string
		want v1alpha1.HealthStatusCode
		msg  string
	}{
		{"cronjob without status", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, spec: {schedule: "* * * * *"}}`,
			v1alpha1.HealthStatusProgressing, "Waiting for CronJob"},
		{"cronjob suspended", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, spec: {suspend: true}, status: {}}`,
			v1alpha1.HealthStatusHealthy, "CronJob is Suspended"},
		{"cronjob never scheduled", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, status: {}}`,
			v1alpha1.HealthStatusHealthy, "CronJob has not been scheduled yet"},
		{"cronjob first run", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, status: {lastScheduleTime: "2026-11-30T10:00:00Z"}}`,
			v1alpha1.HealthStatusHealthy, "The CronJob never completed successfully. It may not be healthy"},
		{"cronjob running", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, status: {lastScheduleTime: "2026-11-30T10:05:00Z",
			lastSuccessfulTime: "2026-11-30T10:00:30Z", active: [{kind: Job, name: c-1}]}}`,
			v1alpha1.HealthStatusHealthy, "The job is running. Its last execution may not have been successful"},
		{"cronjob last run failed", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, status: {lastScheduleTime: "2026-11-30T10:05:00Z",
			lastSuccessfulTime: "2026-11-30T10:00:30Z"}}`,
			v1alpha1.HealthStatusDegraded, "CronJob has not completed its last execution successfully"},
		{"cronjob last run succeeded", `{apiVersion: batch/v1, kind: CronJob, metadata: {name: c}, status: {lastScheduleTime: "2026-11-30T10:05:00Z",
			lastSuccessfulTime: "2026-11-30T10:05:20Z"}}`,
			v1alpha1.HealthStatusHealthy, "CronJob has completed its last execution successfully"},

		{"hpa v1 healthy from the annotation", `{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, metadata: {name: h, annotations:
			{autoscaling.alpha.kubernetes.io/conditions: '[{"type":"AbleToScale","status":"True","reason":"SucceededRescale","message":"rescaled"}]'}}}`,
			v1alpha1.HealthStatusHealthy, "rescaled"},
		{"hpa v1 degraded from the annotation", `{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, metadata: {name: h, annotations:
			{autoscaling.alpha.kubernetes.io/conditions: '[{"type":"ScalingActive","status":"False","reason":"FailedGetResourceMetric","message":"no metrics"}]'}}}`,
			v1alpha1.HealthStatusDegraded, "no metrics"},
		{"hpa v1 without the annotation", `{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, metadata: {name: h}}`,
			v1alpha1.HealthStatusProgressing, "Waiting to Autoscale"},
		{"hpa v2 limited", `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, status: {conditions: [
			{type: ScalingLimited, status: "True", reason: TooFewReplicas, message: "at minimum"}]}}`,
			v1alpha1.HealthStatusHealthy, "at minimum"},
		{"hpa v2 invalid selector", `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, status: {conditions: [
			{type: ScalingActive, status: "False", reason: InvalidSelector, message: "bad selector"}]}}`,
			v1alpha1.HealthStatusDegraded, "bad selector"},

		{"pod never running without the annotation", `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {restartPolicy: Never},
			status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`, v1alpha1.HealthStatusProgressing, ""},
		{"pod never running with ignore-restart-policy", `{apiVersion: v1, kind: Pod, metadata: {name: p, annotations: {argocd.argoproj.io/ignore-restart-policy: "true"}},
			spec: {restartPolicy: Never}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`, v1alpha1.HealthStatusHealthy, ""},
		{"hook pod ignores ignore-restart-policy", `{apiVersion: v1, kind: Pod, metadata: {name: p, annotations: {argocd.argoproj.io/ignore-restart-policy: "true",
			argocd.argoproj.io/hook: PreSync}}, spec: {restartPolicy: Never}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`,
			v1alpha1.HealthStatusProgressing, ""},
		{"pod with ignore-restart-policy backing off", `{apiVersion: v1, kind: Pod, metadata: {name: p, annotations: {argocd.argoproj.io/ignore-restart-policy: "true"}},
			spec: {restartPolicy: OnFailure}, status: {phase: Running, containerStatuses: [{name: c, state: {waiting: {reason: CrashLoopBackOff, message: "back-off"}}}]}}`,
			v1alpha1.HealthStatusDegraded, "back-off"},
		{"pod failed with an exit code", `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {restartPolicy: Never},
			status: {phase: Failed, containerStatuses: [{name: main, state: {terminated: {exitCode: 3}}}]}}`,
			v1alpha1.HealthStatusDegraded, `container "main" failed with exit code 3`},
		{"pod restarted and not ready", `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {restartPolicy: Always},
			status: {phase: Running, containerStatuses: [{name: c, lastState: {terminated: {exitCode: 1}}}]}}`, v1alpha1.HealthStatusDegraded, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Of(parse(t, tt.obj), nil)
			if err != nil {
				t.Fatal(err)
			}
			if st == nil || st.Code != tt.want || st.Message != tt.msg {
				t.Fatalf("health = %+v, want %s %q", st, tt.want, tt.msg)
			}
		})
	}
}

// An empty Lua check in argocd-cm switches a kind's built-in check off:
// the kind falls back to the generic check on its conditions.
func TestEmptyCustomizationSwitchesBuiltInOff(t *testing.T) {
	cert := parse(t, `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}, status: {conditions: [
		{type: Ready, status: "True", message: up to date}, {type: Issuing, status: "True", message: renewing}]}}`)
	if st, _ := Of(cert, nil); st.Code != v1alpha1.HealthStatusProgressing {
		t.Fatalf("built-in: %+v, want Progressing while issuing", st)
	}
	overrides, err := LuaOverrides(map[string]string{"resource.customizations.health.cert-manager.io_Certificate": ""})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := Of(cert, overrides); st.Code != v1alpha1.HealthStatusHealthy || st.Message != "up to date" {
		t.Fatalf("switched off: %+v, want the generic check's Healthy from Ready", st)
	}
}
