package rollout_test

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given a healthy canary, When an update comes with an invalid step, Then
// the Rollout is Degraded (InvalidSpec) keeping its stable revision, and
// once the step is fixed the update walks its steps (it does not jump to
// the new revision as a first deployment would).
func TestFixedSpecRunsTheSteps(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, basicCanary)
	v1 := waitFor(t, ns, "web", "first revision healthy", healthy)
	kubectl(t, ns, "", "patch", "rollout", "web", "--type", "json", "-p",
		`[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"example.com/web:v2"},`+
			`{"op":"replace","path":"/spec/strategy/canary/steps/0/setWeight","value":150}]`)
	bad := waitFor(t, ns, "web", "InvalidSpec", func(ro *v1alpha1.Rollout) bool {
		return strings.HasPrefix(ro.Status.Message, "InvalidSpec: spec.strategy.canary.steps[0].setWeight")
	})
	if bad.Status.StableRS != v1.Status.StableRS || bad.Status.CurrentPodHash != v1.Status.StableRS || *bad.Status.CurrentStepIndex != 4 {
		t.Errorf("invalid spec changed the status: stable %q current %q step %d", bad.Status.StableRS, bad.Status.CurrentPodHash, *bad.Status.CurrentStepIndex)
	}
	if n := len(replicaSets(t, ns)); n != 1 {
		t.Errorf("%d ReplicaSets while invalid, want 1", n)
	}
	kubectl(t, ns, "", "patch", "rollout", "web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/strategy/canary/steps/0/setWeight","value":25}]`)
	ro := waitFor(t, ns, "web", "paused at step 1 after the fix", pausedAt(1))
	if ro.Status.StableRS != v1.Status.StableRS || condition(ro, v1alpha1.RolloutConditionInvalidSpec) != nil {
		t.Errorf("stable %q (want %q), InvalidSpec %+v", ro.Status.StableRS, v1.Status.StableRS, condition(ro, v1alpha1.RolloutConditionInvalidSpec))
	}
}

// Given an analysis step whose template asks for an argument the Rollout
// does not give, Then the Rollout is InvalidSpec naming the argument and
// no AnalysisRun is made.
func TestUnresolvedArgumentIsInvalidSpec(t *testing.T) {
	ns := namespace(t)
	manifest := strings.Replace(basicCanary, "      - setWeight: 25\n", "      - setWeight: 25\n      - analysis: {templates: [{templateName: needs-service}]}\n", 1)
	apply(t, ns, `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: needs-service}
spec:
  args: [{name: service}]
  metrics: [{name: m, provider: {web: {url: "http://127.0.0.1:1/{{args.service}}"}}}]
---
`+manifest)
	waitFor(t, ns, "web", "InvalidSpec naming the argument", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Message == "InvalidSpec: spec.strategy.canary.steps[1].analysis: args.service was not resolved"
	})
}

// Given a fully promoted canary, When it is aborted, Then there is
// nothing to abort: it stays Healthy, as with Argo Rollouts.
func TestAbortOfAPromotedRolloutIsCleared(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, basicCanary)
	waitFor(t, ns, "web", "healthy", healthy)
	kubectl(t, ns, "", "patch", "rollout", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"abort":true}}`)
	waitFor(t, ns, "web", "abort cleared, healthy", func(ro *v1alpha1.Rollout) bool {
		return !ro.Status.Abort && healthy(ro)
	})
}

// Given a traffic router Tiphys has no provider for, Then the spec is
// invalid naming it.
func TestUnsupportedRouterIsInvalidSpec(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, strings.Replace(routedRollout, "ROUTING", "plugins: {acme/router: {x: 1}}", 1))
	waitFor(t, ns, "shop", "InvalidSpec naming the plugin", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Message == `InvalidSpec: spec.strategy.canary.trafficRouting.plugins: traffic router plugin "acme/router" is not supported (only argoproj-labs/gatewayAPI)`
	})
}
