package trafficrouting

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// ManagedByAnnotation marks objects a Rollout's traffic routing changed,
// with the Rollout's name as value (Argo's
// argo-rollouts.argoproj.io/managed-by-rollouts).
const ManagedByAnnotation = "argo-rollouts.argoproj.io/managed-by-rollouts"

// DefaultMaxTrafficWeight is the weight meaning all traffic when
// trafficRouting.maxTrafficWeight is not set.
const DefaultMaxTrafficWeight int32 = 100

// Routing returns the Rollout's canary traffic routing, or an error naming
// the Rollout when it has none: providers are only built for Rollouts that
// route traffic.
func Routing(ro *v1alpha1.Rollout) (*v1alpha1.CanaryStrategy, *v1alpha1.RolloutTrafficRouting, error) {
	c := ro.Spec.Strategy.Canary
	if c == nil || c.TrafficRouting == nil {
		return nil, nil, fmt.Errorf("rollout %s/%s: no canary traffic routing", ro.Namespace, ro.Name)
	}
	return c, c.TrafficRouting, nil
}

// Services returns the stable and canary Service names. When neither
// stableService nor canaryService is set and pingPong is, the ping and pong
// Services take the roles that status.canary.stablePingPong gives them, as
// Argo's GetStableAndCanaryServices does for every router but ALB.
func Services(ro *v1alpha1.Rollout) (stable, canary string) {
	c := ro.Spec.Strategy.Canary
	if c == nil {
		return "", ""
	}
	if c.PingPong != nil && c.StableService == "" && c.CanaryService == "" {
		if ro.Status.Canary.StablePingPong == v1alpha1.PingPongPing {
			return c.PingPong.PingService, c.PingPong.PongService
		}
		return c.PingPong.PongService, c.PingPong.PingService
	}
	return c.StableService, c.CanaryService
}

// MaxWeight is the weight meaning all traffic: maxTrafficWeight, or 100.
func MaxWeight(ro *v1alpha1.Rollout) int32 {
	c := ro.Spec.Strategy.Canary
	if c != nil && c.TrafficRouting != nil && c.TrafficRouting.MaxTrafficWeight != nil {
		return *c.TrafficRouting.MaxTrafficWeight
	}
	return DefaultMaxTrafficWeight
}

// StableWeight returns what remains for the stable Service once the canary
// has desired and each additional destination its weight, out of total.
// Argo clamps a negative remainder to 0 and so can write weights summing
// past the total (argo-rollouts#4424); here a weight below 0 or a sum above
// total is an error, and nothing is written.
func StableWeight(total, desired int32, additional ...WeightDestination) (int32, error) {
	if desired < 0 || desired > total {
		return 0, fmt.Errorf("canary weight %d: not between 0 and %d", desired, total)
	}
	rest := total - desired
	for _, d := range additional {
		if d.Weight < 0 {
			return 0, fmt.Errorf("weight %d of %q: below 0", d.Weight, d.ServiceName)
		}
		rest -= d.Weight
	}
	if rest < 0 {
		return 0, fmt.Errorf("canary weight %d and additional weights: sum above %d", desired, total)
	}
	return rest, nil
}

// OwnerReference is the controller reference that makes an object the
// Rollout generated (a canary Ingress, a TrafficSplit) garbage-collected
// with it.
func OwnerReference(ro *v1alpha1.Rollout) metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{
		APIVersion:         v1alpha1.SchemeGroupVersion.String(),
		Kind:               "Rollout",
		Name:               ro.Name,
		UID:                ro.UID,
		Controller:         &yes,
		BlockOwnerDeletion: &yes,
	}
}

// IsControlledBy reports whether refs has the Rollout as controller.
func IsControlledBy(refs []metav1.OwnerReference, ro *v1alpha1.Rollout) bool {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller {
			return r.UID == ro.UID && r.Kind == "Rollout" && r.Name == ro.Name
		}
	}
	return false
}

// ManagedRouteNames returns the names in trafficRouting.managedRoutes, in
// their order of precedence.
func ManagedRouteNames(ro *v1alpha1.Rollout) []string {
	c := ro.Spec.Strategy.Canary
	if c == nil || c.TrafficRouting == nil {
		return nil
	}
	names := make([]string, 0, len(c.TrafficRouting.ManagedRoutes))
	for _, r := range c.TrafficRouting.ManagedRoutes {
		names = append(names, r.Name)
	}
	return names
}

// CheckManagedRoute returns an error unless name is listed in
// trafficRouting.managedRoutes, which Argo requires of setHeaderRoute and
// setMirrorRoute steps.
func CheckManagedRoute(ro *v1alpha1.Rollout, name string) error {
	for _, n := range ManagedRouteNames(ro) {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("route %q: not listed in trafficRouting.managedRoutes", name)
}
