package experiment_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/experiment"
)

// An Experiment whose analysis fails ends Failed with the run's message,
// and its ReplicaSet is scaled down.
func TestExperimentFailingAnalysis(t *testing.T) {
	env.Require(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":false}`))
	}))
	t.Cleanup(srv.Close)
	ns := namespace(t)
	apply(t, ns, fmt.Sprintf(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: health}
spec:
  args: [{name: hash}]
  metrics:
  - name: ok
    successCondition: result == true
    provider:
      web:
        url: %s/health?hash={{args.hash}}
        jsonPath: "{$.ok}"
---
apiVersion: argoproj.io/v1alpha1
kind: Experiment
metadata: {name: judged}
spec:
  scaleDownDelaySeconds: 0
  analyses:
  - name: health
    templateName: health
    args: [{name: hash, value: "{{templates.canary.podTemplateHash}}"}]
  templates:`, srv.URL)+template("canary", "judged", 1))
	ex := waitFor(t, ns, "judged", "failed", phaseIs(v1alpha1.AnalysisPhaseFailed))
	runs := ex.Status.AnalysisRuns
	if len(runs) != 1 || runs[0].Phase != v1alpha1.AnalysisPhaseFailed || runs[0].AnalysisRun != experiment.RunName("judged", "health") {
		t.Fatalf("analysis runs: %+v", runs)
	}
	run := &v1alpha1.AnalysisRun{}
	get(t, ns, runs[0].AnalysisRun, run)
	if len(run.Spec.Args) != 1 || run.Spec.Args[0].Value == nil || strings.Contains(*run.Spec.Args[0].Value, "{{") {
		t.Fatalf("run args not resolved: %+v", run.Spec.Args)
	}
	eventually(t, "replica set scaled down", func() bool {
		rs := replicaSet(t, ns, experiment.ReplicaSetName("judged", "canary"))
		return rs != nil && *rs.Spec.Replicas == 0
	})
}
