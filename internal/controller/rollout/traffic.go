package rollout

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/gatewayapi"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/istio"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/nginx"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/smi"
)

// gatewayAPIPlugin is the name Argo's Gateway API traffic router plugin
// is configured under in trafficRouting.plugins.
const gatewayAPIPlugin = "argoproj-labs/gatewayAPI"

// routers builds the traffic routers the Rollout configures. A plugin
// other than Gateway API, or a router Tiphys does not have, is an error
// naming it.
func (c *rolloutContext) routers() ([]trafficrouting.Reconciler, error) {
	tr := c.ro.Spec.Strategy.Canary.TrafficRouting
	cl := dynamicRouterClient{dyn: c.r.Dynamic}
	var out []trafficrouting.Reconciler
	add := func(r trafficrouting.Reconciler, err error) error {
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}
	if tr.Nginx != nil {
		r, err := nginx.New(nginx.Config{Rollout: c.ro, Client: cl})
		if err := add(r, err); err != nil {
			return nil, err
		}
	}
	if tr.Istio != nil {
		r, err := istio.New(istio.Config{Rollout: c.ro, Client: cl})
		if err := add(r, err); err != nil {
			return nil, err
		}
	}
	if tr.SMI != nil {
		r, err := smi.New(smi.Config{Rollout: c.ro, Client: cl})
		if err := add(r, err); err != nil {
			return nil, err
		}
	}
	for name := range tr.Plugins {
		if name != gatewayAPIPlugin {
			return nil, fmt.Errorf("traffic router plugin %q is not supported (only %s)", name, gatewayAPIPlugin)
		}
		r, err := gatewayapi.New(gatewayapi.Options{Rollout: c.ro, Client: cl})
		if err := add(r, err); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, errors.New("trafficRouting names no router Tiphys supports (nginx, istio, smi, plugins." + gatewayAPIPlugin + ")")
	}
	return out, nil
}

// desiredWeight is the canary weight the routers should carry now (Argo's
// reconcileTrafficRouting): none once fully promoted or aborted, none
// while the new revision has no available pod, the previous setWeight
// while its pods are still coming up, the current setWeight during the
// steps, and all of it once the steps are done until promotion.
func (c *rolloutContext) desiredWeight() int32 {
	switch {
	case c.newRS == nil || c.fullyPromoted() || c.pause.aborted():
		return 0
	case c.newRS.Status.AvailableReplicas == 0:
		return 0
	}
	_, index := replicas.CurrentStep(c.ro)
	if index == nil {
		return replicas.MaxTrafficWeight(c.ro)
	}
	steps := c.ro.Spec.Strategy.Canary.Steps
	if !c.atDesiredCounts(nil) && !c.ro.Status.PromoteFull {
		for i := *index - 1; i >= 0; i-- {
			if w := steps[i].SetWeight; w != nil {
				return *w
			}
		}
		return 0
	}
	if int(*index) != len(steps) {
		return replicas.CurrentSetWeight(c.ro)
	}
	return replicas.MaxTrafficWeight(c.ro)
}

// reconcileTrafficRouting writes the desired weight, header and mirror
// routes to every router and records status.canary.weights. A router
// error stops the pass from moving to the next step; it is kept in
// routingErr for the TrafficRouting condition, so traffic never moves
// half-way without a trace.
func (c *rolloutContext) reconcileTrafficRouting(ctx context.Context) error {
	if c.ro.Spec.Strategy.Canary.TrafficRouting == nil {
		c.status.Canary.Weights = nil
		return nil
	}
	routers, err := c.routers()
	if err != nil {
		c.routingErr = err
		return nil
	}
	desired := c.desiredWeight()
	extra := c.experimentDestinations()
	stableSvc, canarySvc := trafficrouting.Services(c.ro)
	canaryHash, stableHash := hashOf(c.newRS), hashOf(c.stableRS)
	verified := true
	for _, r := range routers {
		if err := c.route(ctx, r, desired, canaryHash, stableHash, extra); err != nil {
			c.routingErr = fmt.Errorf("%s: %w", r.Type(), err)
			c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeWarning, "TrafficRoutingError", "SetWeight", "%v", c.routingErr)
			return nil
		}
		ok, err := r.VerifyWeight(ctx, desired, extra...)
		if err != nil {
			c.routingErr = fmt.Errorf("%s: verify weight: %w", r.Type(), err)
			return nil
		}
		verified = verified && ok
	}
	maxWeight := replicas.MaxTrafficWeight(c.ro)
	prev := c.ro.Status.Canary.Weights
	c.status.Canary.Weights = &v1alpha1.TrafficWeights{
		Canary: v1alpha1.WeightDestination{Weight: desired, ServiceName: canarySvc, PodTemplateHash: canaryHash},
		Stable: v1alpha1.WeightDestination{Weight: maxWeight - desired, ServiceName: stableSvc, PodTemplateHash: stableHash},
	}
	for _, d := range extra {
		c.status.Canary.Weights.Additional = append(c.status.Canary.Weights.Additional, d)
		c.status.Canary.Weights.Stable.Weight -= d.Weight
	}
	if !verified {
		c.status.Canary.Weights.Verified = &verified
	}
	if prev == nil || prev.Canary.Weight != desired {
		c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeNormal, "TrafficWeightUpdated", "SetWeight",
			"Traffic weight updated from %d to %d", weightOf(prev), desired)
	}
	return nil
}

// route brings one router to the pass's state: hashes, managed routes,
// then the weight.
func (c *rolloutContext) route(ctx context.Context, r trafficrouting.Reconciler, desired int32, canaryHash, stableHash string,
	extra []trafficrouting.WeightDestination) error {
	if hu, ok := r.(trafficrouting.HashUpdater); ok {
		if err := hu.UpdateHash(ctx, canaryHash, stableHash, extra...); err != nil {
			return fmt.Errorf("update hash: %w", err)
		}
	}
	if c.fullyPromoted() || c.pause.aborted() {
		if err := r.RemoveManagedRoutes(ctx); err != nil && !errors.Is(err, trafficrouting.ErrNotSupported) {
			return fmt.Errorf("remove managed routes: %w", err)
		}
	} else if step, _ := replicas.CurrentStep(c.ro); step != nil {
		if step.SetHeaderRoute != nil {
			if err := r.SetHeaderRoute(ctx, step.SetHeaderRoute); err != nil {
				return fmt.Errorf("set header route %s: %w", step.SetHeaderRoute.Name, err)
			}
		}
		if step.SetMirrorRoute != nil {
			if err := r.SetMirrorRoute(ctx, step.SetMirrorRoute); err != nil {
				return fmt.Errorf("set mirror route %s: %w", step.SetMirrorRoute.Name, err)
			}
		}
	}
	if err := r.SetWeight(ctx, desired, extra...); err != nil {
		return fmt.Errorf("set weight %d: %w", desired, err)
	}
	return nil
}

// hashOf is a ReplicaSet's pod-template hash, "" for nil.
func hashOf(rs *appsv1.ReplicaSet) string {
	if rs == nil {
		return ""
	}
	return rs.Labels[v1alpha1.LabelPodTemplateHash]
}

// weightOf is the canary weight last written, 0 if none.
func weightOf(w *v1alpha1.TrafficWeights) int32 {
	if w == nil {
		return 0
	}
	return w.Canary.Weight
}
