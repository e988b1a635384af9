package experiment_test

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/experiment"
)

// An Experiment with a duration runs its template's ReplicaSet, becomes
// Successful once the duration passed, and scales the ReplicaSet to 0
// after scaleDownDelaySeconds.
func TestExperimentDuration(t *testing.T) {
	env.Require(t)
	ns := namespace(t)
	apply(t, ns, `
apiVersion: argoproj.io/v1alpha1
kind: Experiment
metadata: {name: timed}
spec:
  duration: 2s
  scaleDownDelaySeconds: 1
  templates:`+template("baseline", "timed", 1))
	rsName := experiment.ReplicaSetName("timed", "baseline")
	ex := waitFor(t, ns, "timed", "running", phaseIs(v1alpha1.AnalysisPhaseRunning))
	if ex.Status.AvailableAt == nil {
		t.Fatalf("running without availableAt: %+v", ex.Status)
	}
	rs := replicaSet(t, ns, rsName)
	if rs == nil || *rs.Spec.Replicas != 1 || rs.Annotations[v1alpha1.AnnotationExperimentTemplateName] != "baseline" ||
		rs.Labels[v1alpha1.LabelPodTemplateHash] == "" {
		t.Fatalf("replica set %s: %+v", rsName, rs)
	}
	ex = waitFor(t, ns, "timed", "successful", phaseIs(v1alpha1.AnalysisPhaseSuccessful))
	if ts := ex.Status.TemplateStatuses; len(ts) != 1 || ts[0].Status != v1alpha1.TemplateStatusSuccessful {
		t.Fatalf("template statuses: %+v", ts)
	}
	eventually(t, "replica set scaled down", func() bool {
		rs := replicaSet(t, ns, rsName)
		return rs != nil && *rs.Spec.Replicas == 0 && rs.Annotations[v1alpha1.AnnotationScaleDownDeadline] != ""
	})
}
