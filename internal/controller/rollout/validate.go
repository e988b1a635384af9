package rollout

import (
	"context"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// annotationWorkloadGeneration records the referenced Deployment's
// generation the template was read from (Argo's
// rollout.argoproj.io/workload-generation).
const annotationWorkloadGeneration = "rollout.argoproj.io/workload-generation"

// resolveWorkloadRef copies the pod template (and, when the Rollout has
// none, the selector) of the Deployment spec.workloadRef names into the
// Rollout being reconciled, as Argo's template resolver does. Only
// apps/v1 Deployments can be referenced; a missing one makes the spec
// invalid rather than failing the pass.
func (c *rolloutContext) resolveWorkloadRef(ctx context.Context) error {
	ref := c.ro.Spec.WorkloadRef
	if ref == nil {
		return nil
	}
	if ref.Kind != "Deployment" || (ref.APIVersion != "" && ref.APIVersion != "apps/v1") {
		c.invalid = fmt.Sprintf("workloadRef %s %s: only apps/v1 Deployments can be referenced", ref.APIVersion, ref.Kind)
		return nil
	}
	var d appsv1.Deployment
	err := c.r.APIReader.Get(ctx, client.ObjectKey{Namespace: c.ro.Namespace, Name: ref.Name}, &d)
	if apierrors.IsNotFound(err) {
		c.invalid = fmt.Sprintf("workloadRef: Deployment %q not found", ref.Name)
		return nil
	}
	if err != nil {
		return fmt.Errorf("workloadRef deployment %s: %w", ref.Name, err)
	}
	gen := strconv.FormatInt(d.Generation, 10)
	if c.ro.Annotations[annotationWorkloadGeneration] != gen {
		// Recorded on the Rollout itself, as Argo does: health checks
		// compare it with status.workloadObservedGeneration.
		live := &v1alpha1.Rollout{ObjectMeta: metav1.ObjectMeta{Namespace: c.ro.Namespace, Name: c.ro.Name}}
		body := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, annotationWorkloadGeneration, gen)
		if err := c.r.Client.Patch(ctx, live, client.RawPatch("application/merge-patch+json", []byte(body))); err != nil {
			return fmt.Errorf("workload generation annotation: %w", err)
		}
		c.r.seen.Wrote(c.ro.UID, c.ro.ResourceVersion)
		c.ro.ResourceVersion = live.ResourceVersion
	}
	ro := c.ro.DeepCopy()
	ro.Spec.Template = *d.Spec.Template.DeepCopy()
	if ro.Spec.Selector == nil {
		ro.Spec.Selector = d.Spec.Selector.DeepCopy()
	}
	if ro.Annotations == nil {
		ro.Annotations = map[string]string{}
	}
	ro.Annotations[annotationWorkloadGeneration] = gen
	c.ro = ro
	c.pause.ro = ro
	c.workload = &d
	return nil
}

// validate returns why a Rollout cannot be run (the InvalidSpec
// condition's message, worded as Argo's), "" when it can.
func validate(ro *v1alpha1.Rollout) string {
	s := ro.Spec
	if s.Selector == nil {
		return "Rollout has missing field 'spec.selector'"
	}
	sel, err := metav1.LabelSelectorAsSelector(s.Selector)
	if err != nil {
		return fmt.Sprintf("spec.selector: %v", err)
	}
	if sel.Empty() {
		return "This rollout is selecting all pods. A non-empty selector is required."
	}
	if !sel.Matches(labels.Set(s.Template.Labels)) {
		return "`selector` does not match template `labels`"
	}
	if (s.Strategy.Canary == nil) == (s.Strategy.BlueGreen == nil) {
		return "Rollout must have exactly one strategy: canary or blueGreen"
	}
	if bg := s.Strategy.BlueGreen; bg != nil {
		if bg.ActiveService == "" {
			return "Rollout has missing field 'spec.strategy.blueGreen.activeService'"
		}
		if bg.ActiveService == bg.PreviewService {
			return "This rollout uses the same service for the active and preview services, but two different services are required."
		}
		return ""
	}
	cs := s.Strategy.Canary
	if tr := cs.TrafficRouting; tr != nil {
		if msg := unsupportedRouter(tr); msg != "" {
			return msg
		}
		stable, canary := trafficrouting.Services(ro)
		if stable == "" || canary == "" {
			return "Canary service and stable service are required for traffic routing"
		}
	}
	if cs.StableService != "" && cs.StableService == cs.CanaryService {
		return "This rollout uses the same service for the stable and canary services, but two different services are required."
	}
	maxWeight := trafficrouting.MaxWeight(ro)
	for i, step := range cs.Steps {
		if n := countStepKinds(step); n != 1 {
			return fmt.Sprintf("spec.strategy.canary.steps[%d]: a step must have exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute or plugin", i)
		}
		if w := step.SetWeight; w != nil && (*w < 0 || *w > maxWeight) {
			return fmt.Sprintf("spec.strategy.canary.steps[%d].setWeight: SetWeight needs to be between 0 and %d", i, maxWeight)
		}
		if p := step.Pause; p != nil && p.Duration != nil && pauseSeconds(*p) == nil {
			return fmt.Sprintf("spec.strategy.canary.steps[%d].pause.duration: %q is not a duration", i, p.Duration.String())
		}
		if (step.SetHeaderRoute != nil || step.SetMirrorRoute != nil) && cs.TrafficRouting == nil {
			return fmt.Sprintf("spec.strategy.canary.steps[%d]: header and mirror routes need trafficRouting", i)
		}
		if msg := validateExperimentStep(step.Experiment, cs.TrafficRouting); msg != "" {
			return fmt.Sprintf("spec.strategy.canary.steps[%d].experiment.%s", i, msg)
		}
		if step.Plugin != nil {
			return fmt.Sprintf("spec.strategy.canary.steps[%d].plugin: step plugins are not supported", i)
		}
	}
	return ""
}

// countStepKinds counts the kinds of action a canary step sets.
func countStepKinds(s v1alpha1.CanaryStep) int {
	n := 0
	for _, set := range []bool{s.SetWeight != nil, s.Pause != nil, s.Analysis != nil, s.Experiment != nil,
		s.SetCanaryScale != nil, s.SetHeaderRoute != nil, s.SetMirrorRoute != nil, s.Plugin != nil} {
		if set {
			n++
		}
	}
	return n
}

// unsupportedRouter names a traffic router the Rollout configures that
// Tiphys has no provider for, "" when all are supported (NGINX, Istio,
// SMI and the argoproj-labs/gatewayAPI plugin).
func unsupportedRouter(tr *v1alpha1.RolloutTrafficRouting) string {
	for name, set := range map[string]bool{"alb": tr.ALB != nil, "ambassador": tr.Ambassador != nil,
		"appMesh": tr.AppMesh != nil, "traefik": tr.Traefik != nil, "apisix": tr.Apisix != nil} {
		if set {
			return fmt.Sprintf("spec.strategy.canary.trafficRouting.%s: this traffic router is not supported (nginx, istio, smi and plugins.%s are)", name, gatewayAPIPlugin)
		}
	}
	for name := range tr.Plugins {
		if name != gatewayAPIPlugin {
			return fmt.Sprintf("spec.strategy.canary.trafficRouting.plugins: traffic router plugin %q is not supported (only %s)", name, gatewayAPIPlugin)
		}
	}
	if tr.Nginx == nil && tr.Istio == nil && tr.SMI == nil && len(tr.Plugins) == 0 {
		return "spec.strategy.canary.trafficRouting: no traffic router is configured"
	}
	return ""
}
