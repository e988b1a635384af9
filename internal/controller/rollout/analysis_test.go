package rollout_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/testenv/promtest"
)

// successRate is the shared AnalysisTemplate of the platform's services:
// the share of requests that are not errors, measured twice.
const successRate = `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate}
spec:
  args:
  - name: service
  metrics:
  - name: success-rate
    interval: 1s
    count: 2
    consecutiveErrorLimit: 1
    successCondition: result[0] >= 0.95
    failureCondition: result[0] < 0.95
    provider:
      prometheus:
        address: ADDRESS
        query: sum(rate(http_requests_total{code="200",service="{{args.service}}"}[5s])) / sum(rate(http_requests_total{service="{{args.service}}"}[5s]))
`

// analysedRollout is an Istio-routed canary that checks the success rate
// after its first weight.
const analysedRollout = `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: shop}
spec:
  hosts: [shop]
  http:
  - name: primary
    route:
    - {destination: {host: shop-stable}, weight: 100}
    - {destination: {host: shop-canary}, weight: 0}
---
apiVersion: v1
kind: Service
metadata: {name: shop-stable}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop-canary}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: shop}
spec:
  replicas: 4
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: app, image: "example.com/shop:v1"}]
  strategy:
    canary:
      stableService: shop-stable
      canaryService: shop-canary
      abortScaleDownDelaySeconds: 3
      trafficRouting:
        istio: {virtualService: {name: shop, routes: [primary]}}
      steps:
      - setWeight: 25
      - analysis:
          templates: [{templateName: success-rate}]
          args: [{name: service, value: shop}]
      - setWeight: 50
      - pause: {duration: 1s}
`

// vsWeight is the canary's weight in the VirtualService.
func vsWeight(t *testing.T, ns string) int64 {
	t.Helper()
	gvr := schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1alpha3", Resource: "virtualservices"}
	u := object(t, gvr, ns, "shop")
	routes, _, _ := unstructured.NestedSlice(u.Object, "spec", "http")
	dests, _, _ := unstructured.NestedSlice(routes[0].(map[string]any), "route")
	for _, d := range dests {
		m := d.(map[string]any)
		if host, _, _ := unstructured.NestedString(m, "destination", "host"); host == "shop-canary" {
			w, _, _ := unstructured.NestedInt64(m, "weight")
			return w
		}
	}
	return -1
}

// Given the platform's canary (Istio weights, a shared success-rate
// template) and a real Prometheus scraping the service, When a new
// version ships, Then the Rollout follows what the metrics say: a good
// version walks every step and becomes stable; a bad one aborts at the
// analysis with traffic back on stable at once, the canary scaled down
// after abortScaleDownDelaySeconds and the stable ReplicaSet untouched; no
// data errors and aborts after consecutiveErrorLimit; NaN is
// inconclusive and pauses.
func TestCanaryAnalysisOnPrometheus(t *testing.T) {
	crd(t, "networking.istio.io", "v1alpha3", "VirtualService", "virtualservices")
	tests := []struct {
		name  string
		setup func(*promtest.Exporter)
		// ready says Prometheus answers as the case needs.
		ready func(values []string) bool
		check func(t *testing.T, ns string, v1, ro *v1alpha1.Rollout)
	}{
		{"good", func(e *promtest.Exporter) { e.SetErrorRate(0.01) }, func(v []string) bool { return len(v) == 1 && v[0] != "NaN" },
			goodCanary},
		{"bad", func(e *promtest.Exporter) { e.SetErrorRate(0.4) }, func(v []string) bool { return len(v) == 1 && v[0] < "0.9" },
			func(t *testing.T, ns string, v1, ro *v1alpha1.Rollout) {
				abortedCanary(t, ns, v1, ro, `Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)`)
			}},
		{"no data", func(e *promtest.Exporter) { e.SetEmpty(true) }, func(v []string) bool { return len(v) == 0 },
			func(t *testing.T, ns string, v1, ro *v1alpha1.Rollout) {
				abortedCanary(t, ns, v1, ro, "consecutiveErrors (2) > consecutiveErrorLimit (1)")
			}},
		{"NaN", func(e *promtest.Exporter) { e.SetRequestsPerScrape(0) }, func(v []string) bool { return len(v) == 1 && v[0] == "NaN" },
			inconclusiveCanary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			exp := promtest.NewExporter(t)
			exp.SetService("shop")
			prom := promtest.Start(t, exp.Target())
			ns := namespace(t)
			apply(t, ns, strings.Replace(successRate, "ADDRESS", prom.URL, 1)+"\n---\n"+analysedRollout)
			v1 := waitFor(t, ns, "shop", "first revision healthy", healthy)
			tt.setup(exp)
			prom.WaitForData(t, `count(up{job="promtest"} == 1)`)
			query := `sum(rate(http_requests_total{code="200",service="shop"}[5s])) / sum(rate(http_requests_total{service="shop"}[5s]))`
			eventually(t, "Prometheus answers as the case needs", func() (bool, error) {
				v, err := prom.Query(context.Background(), query)
				return err == nil && tt.ready(v), nil
			})
			setImage(t, ns, "shop", "example.com/shop:v2")
			ro := waitFor(t, ns, "shop", "new revision started", func(ro *v1alpha1.Rollout) bool {
				return ro.Status.CurrentPodHash != v1.Status.StableRS && ro.Status.ObservedGeneration == fmt.Sprint(ro.Generation)
			})
			tt.check(t, ns, v1, ro)
		})
	}
}

// goodCanary: every step passes and the new revision is stable.
func goodCanary(t *testing.T, ns string, _, ro *v1alpha1.Rollout) {
	done := waitFor(t, ns, "shop", "promoted", func(r *v1alpha1.Rollout) bool {
		return healthy(r) && r.Status.StableRS == ro.Status.CurrentPodHash
	})
	if done.Status.Canary.CurrentStepAnalysisRunStatus != nil {
		t.Errorf("currentStepAnalysisRunStatus = %+v after the steps", done.Status.Canary.CurrentStepAnalysisRunStatus)
	}
	run := stepRun(t, ns, ro, 1)
	if run.Status.Phase != v1alpha1.AnalysisPhaseSuccessful {
		t.Errorf("step run %s phase %s, want Successful", run.Name, run.Status.Phase)
	}
	eventually(t, "weight back to 0 on the promoted stable", func() (bool, error) { return vsWeight(t, ns) == 0, nil })
}

// abortedCanary: the run's failure aborts the update with its message.
func abortedCanary(t *testing.T, ns string, v1, ro *v1alpha1.Rollout, why string) {
	stableBefore := replicaSets(t, ns)[v1.Status.StableRS]
	aborted := waitFor(t, ns, "shop", "aborted", func(r *v1alpha1.Rollout) bool { return r.Status.Abort })
	eventually(t, "traffic back on stable", func() (bool, error) { return vsWeight(t, ns) == 0, nil })
	canaryRS := replicaSets(t, ns)[ro.Status.CurrentPodHash]
	if *canaryRS.Spec.Replicas == 0 {
		t.Errorf("canary scaled to 0 with the weight: want it kept for abortScaleDownDelaySeconds")
	}
	deg := waitFor(t, ns, "shop", "degraded with the analysis' reason", func(r *v1alpha1.Rollout) bool {
		return r.Status.Phase == v1alpha1.RolloutPhaseDegraded && strings.Contains(r.Status.Message, why)
	})
	if !strings.Contains(deg.Status.Message, "RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error/failed") {
		t.Errorf("message %q", deg.Status.Message)
	}
	if aborted.Status.Canary.CurrentStepAnalysisRunStatus != nil {
		t.Errorf("currentStepAnalysisRunStatus %+v on the aborted rollout, want none (as Argo)", aborted.Status.Canary.CurrentStepAnalysisRunStatus)
	}
	eventually(t, "canary scaled down after the delay", func() (bool, error) {
		rs := replicaSets(t, ns)[ro.Status.CurrentPodHash]
		return *rs.Spec.Replicas == 0 && rs.Annotations[v1alpha1.AnnotationScaleDownDeadline] == "", nil
	})
	after := replicaSets(t, ns)[v1.Status.StableRS]
	if *after.Spec.Replicas != 4 || after.Generation != stableBefore.Generation || after.UID != stableBefore.UID {
		t.Errorf("stable ReplicaSet touched: replicas %d generation %d→%d", *after.Spec.Replicas, stableBefore.Generation, after.Generation)
	}
}

// inconclusiveCanary: NaN is neither success nor failure: the Rollout
// pauses with the run's pause reason and keeps its weight.
func inconclusiveCanary(t *testing.T, ns string, _, ro *v1alpha1.Rollout) {
	paused := waitFor(t, ns, "shop", "paused on an inconclusive run", func(r *v1alpha1.Rollout) bool {
		return r.Status.Phase == v1alpha1.RolloutPhasePaused && len(r.Status.PauseConditions) == 1 &&
			r.Status.PauseConditions[0].Reason == v1alpha1.PauseReasonInconclusiveAnalysis
	})
	if paused.Status.Abort || !stepIs(1)(paused) {
		t.Errorf("abort %v step %v, want paused at step 1", paused.Status.Abort, *paused.Status.CurrentStepIndex)
	}
	if w := vsWeight(t, ns); w != 25 {
		t.Errorf("canary weight %d while paused, want 25", w)
	}
	if r := stepRun(t, ns, ro, 1); r.Status.Phase != v1alpha1.AnalysisPhaseInconclusive {
		t.Errorf("step run phase %s, want Inconclusive", r.Status.Phase)
	}
}

// stepRun is the AnalysisRun of step i, named as Argo names it.
func stepRun(t *testing.T, ns string, ro *v1alpha1.Rollout, i int) *v1alpha1.AnalysisRun {
	t.Helper()
	run := &v1alpha1.AnalysisRun{}
	name := fmt.Sprintf("shop-%s-2-%d", ro.Status.CurrentPodHash, i)
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, run); err != nil {
		t.Fatalf("analysis run %s: %v", name, err)
	}
	if run.Labels[v1alpha1.LabelRolloutType] != "Step" || run.Labels[v1alpha1.LabelStepIndex] != fmt.Sprint(i) {
		t.Errorf("run labels %v", run.Labels)
	}
	return run
}
