package analysisrun_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/testenv/promtest"
)

// secretRun takes the status code to count from a Secret.
const secretRun = `
metadata: {name: secret-arg}
spec:
  args:
  - name: code
    valueFrom: {secretKeyRef: {name: SECRET, key: code}}
  metrics:
  - name: requests
    successCondition: result[0] > 0
    provider:
      prometheus:
        address: ADDRESS
        query: sum(rate(http_requests_total{code="{{args.code}}"}[5s]))
`

// Given an argument from a Secret, when the run measures, then the query
// uses the Secret's value, and the value is hidden in the status; a
// missing Secret ends the run in Error naming the argument.
func TestSecretKeyRefArg(t *testing.T) {
	env.Require(t)
	t.Parallel()
	exp := promtest.NewExporter(t)
	prom := promtest.Start(t, exp.Target())
	prom.WaitForData(t, `sum(rate(http_requests_total{code="200"}[5s]))`)
	ns := newNamespace(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "codes", Namespace: ns}, StringData: map[string]string{"code": "200"}}
	if err := env.Client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}

	run := newRun(t, ns, secretRun, "ADDRESS", prom.URL, "SECRET", "codes")
	done := waitPhase(t, run, v1alpha1.AnalysisPhaseSuccessful)
	if q := result(t, done, "requests").Metadata["ResolvedPrometheusQuery"]; !strings.Contains(q, `code="*****"`) {
		t.Errorf("resolved query %q does not hide the secret", q)
	}

	missing := newRun(t, ns, strings.Replace(secretRun, "secret-arg", "missing-secret", 1), "ADDRESS", prom.URL, "SECRET", "nothing")
	failed := waitPhase(t, missing, v1alpha1.AnalysisPhaseError)
	if want := `args.code: secret "nothing"`; !strings.Contains(failed.Status.Message, want) {
		t.Errorf("message %q does not hold %q", failed.Status.Message, want)
	}
}

// fieldRefRun labels its Job with a label of the Rollout that owns it.
const fieldRefRun = `
metadata: {name: field-arg}
spec:
  args:
  - name: app
    valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
  metrics:
  - name: smoke
    provider:
      job:
        metadata:
          labels: {app: "{{args.app}}"}
        spec:
          managedBy: tiphys.io/test
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: smoke, image: busybox}
`

// Given an argument from a field of the Rollout that owns the run, when
// the run measures, then the metric gets the field's value.
func TestFieldRefArg(t *testing.T) {
	env.Require(t)
	t.Parallel()
	ns := newNamespace(t)
	rollout := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata": map[string]any{"name": "checkout", "namespace": ns, "labels": map[string]any{"app": "checkout"}},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"app": "checkout"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "checkout"}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "nginx"}}},
			},
		},
	}}
	if err := env.Client.Create(context.Background(), rollout); err != nil {
		t.Fatal(err)
	}
	run := &v1alpha1.AnalysisRun{}
	manifest := strings.Replace(fieldRefRun, "metadata: {name: field-arg}", fmt.Sprintf(
		"metadata: {name: field-arg, ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: checkout, uid: %q, controller: true}]}",
		rollout.GetUID()), 1)
	run = getRun(t, newRun(t, ns, manifest))
	j := waitJob(t, ns, fmt.Sprintf("%s.smoke.1", run.UID))
	if j.Labels["app"] != "checkout" {
		t.Errorf("job labels %v, want app=checkout", j.Labels)
	}
	endJob(t, j, batchv1.JobComplete)
	waitPhase(t, run, v1alpha1.AnalysisPhaseSuccessful)
}
