package rollout_test

import (
	"context"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout"
)

// experimentCanary is a basic canary with an experiment step running one
// pod of the canary's template for 2 seconds.
const experimentCanary = `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: exp, labels: {team: a}}
spec:
  replicas: 5
  selector: {matchLabels: {app: exp}}
  template:
    metadata: {labels: {app: exp}}
    spec:
      containers: [{name: app, image: "example.com/exp:v1"}]
  strategy:
    canary:
      steps:
      - setWeight: 20
      - experiment:
          duration: 2s
          templates:
          - {name: canary-exp, specRef: canary, replicas: 1}
      - setWeight: 50
`

// Given a canary with an experiment step, When the image changes, Then
// the Rollout creates the step's Experiment (named, labelled and owned as
// Argo's), records it as current, waits for it to succeed and walks on to
// Healthy.
func TestExperimentStepWalksToHealthy(t *testing.T) {
	env.Require(t)
	ns := namespace(t)
	apply(t, ns, experimentCanary)
	v1 := waitFor(t, ns, "exp", "first revision healthy", healthy)
	setImage(t, ns, "exp", "example.com/exp:v2")
	ro := waitFor(t, ns, "exp", "at the experiment step", func(ro *v1alpha1.Rollout) bool {
		return stepIs(1)(ro) && ro.Status.Canary.CurrentExperiment != ""
	})
	name := rollout.ExperimentName("exp", ro.Status.CurrentPodHash, "2", 1)
	if ro.Status.Canary.CurrentExperiment != name {
		t.Fatalf("current experiment %q, want %q", ro.Status.Canary.CurrentExperiment, name)
	}
	ro = waitFor(t, ns, "exp", "healthy on the new revision", func(ro *v1alpha1.Rollout) bool {
		return healthy(ro) && ro.Status.StableRS != v1.Status.StableRS
	})
	if ro.Status.Canary.CurrentExperiment != "" {
		t.Errorf("current experiment %q after the step, want none", ro.Status.Canary.CurrentExperiment)
	}
	ex := &v1alpha1.Experiment{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, ex); err != nil {
		t.Fatal(err)
	}
	if ex.Status.Phase != v1alpha1.AnalysisPhaseSuccessful {
		t.Errorf("experiment phase %s, want Successful: %+v", ex.Status.Phase, ex.Status)
	}
	if ex.Labels[v1alpha1.LabelPodTemplateHash] != ro.Status.StableRS || ex.Labels["team"] != "a" ||
		ex.Annotations["rollout.argoproj.io/revision"] != "2" || len(ex.OwnerReferences) != 1 || ex.OwnerReferences[0].Name != "exp" {
		t.Errorf("experiment metadata: labels %v annotations %v owners %v", ex.Labels, ex.Annotations, ex.OwnerReferences)
	}
	if tpl := ex.Spec.Templates; len(tpl) != 1 || tpl[0].Template.Spec.Containers[0].Image != "example.com/exp:v2" {
		t.Errorf("experiment templates: %+v", tpl)
	}
}
