package experiment_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/experiment"
)

// An Experiment without a duration runs, with its Service, until
// terminate: true ends it Successful.
func TestExperimentTerminate(t *testing.T) {
	env.Require(t)
	ns := namespace(t)
	apply(t, ns, `
apiVersion: argoproj.io/v1alpha1
kind: Experiment
metadata: {name: open}
spec:
  scaleDownDelaySeconds: 1
  templates:`+template("canary", "open", 1)+`
    service: {}`)
	ex := waitFor(t, ns, "open", "running with its service", func(ex *v1alpha1.Experiment) bool {
		return ex.Status.Phase == v1alpha1.AnalysisPhaseRunning && len(ex.Status.TemplateStatuses) == 1 &&
			ex.Status.TemplateStatuses[0].ServiceName != ""
	})
	svcName := ex.Status.TemplateStatuses[0].ServiceName
	if want := experiment.ReplicaSetName("open", "canary"); svcName != want {
		t.Fatalf("service %s, want %s", svcName, want)
	}
	get(t, ns, svcName, &corev1.Service{})
	kubectl(t, ns, "", "patch", "experiment", "open", "--type", "merge", "-p", `{"spec":{"terminate":true}}`)
	waitFor(t, ns, "open", "successful", phaseIs(v1alpha1.AnalysisPhaseSuccessful))
	eventually(t, "service deleted after scale-down", func() bool {
		err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: svcName}, &corev1.Service{})
		rs := replicaSet(t, ns, experiment.ReplicaSetName("open", "canary"))
		return client.IgnoreNotFound(err) == nil && err != nil && rs != nil && *rs.Spec.Replicas == 0
	})
}

// get reads an object or fails the test.
func get(t *testing.T, ns, name string, o client.Object) {
	t.Helper()
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, o); err != nil {
		t.Fatal(err)
	}
}
