package trafficrouting

import (
	"context"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// WeightDestination is a share of traffic for an experiment's Service,
// next to the canary and the stable one (Argo's WeightDestination).
type WeightDestination = v1alpha1.WeightDestination

// Reconciler applies a Rollout's canary weight to one traffic router. It
// follows Argo Rollouts' TrafficRoutingReconciler, with a context and with
// VerifyWeight answering from what the router's objects say.
type Reconciler interface {
	// SetWeight routes desiredWeight (out of the Rollout's
	// maxTrafficWeight, default 100) to the canary, each additional
	// destination its own weight, and the rest to the stable Service.
	SetWeight(ctx context.Context, desiredWeight int32, additional ...WeightDestination) error
	// SetHeaderRoute adds, replaces or (with no match) removes a named
	// route sending matching requests to the canary. Providers without
	// header routes return an error wrapping ErrNotSupported.
	SetHeaderRoute(ctx context.Context, route *v1alpha1.SetHeaderRoute) error
	// SetMirrorRoute adds, replaces or (with no match) removes a named
	// route copying matching requests to the canary. Providers without
	// mirroring return an error wrapping ErrNotSupported.
	SetMirrorRoute(ctx context.Context, route *v1alpha1.SetMirrorRoute) error
	// VerifyWeight reads the router's objects back and reports whether
	// they route desiredWeight to the canary and the rest to stable.
	VerifyWeight(ctx context.Context, desiredWeight int32, additional ...WeightDestination) (bool, error)
	// RemoveManagedRoutes removes every header and mirror route named in
	// trafficRouting.managedRoutes.
	RemoveManagedRoutes(ctx context.Context) error
	// Type names the provider, as Argo's reconcilers do ("Nginx", "Istio").
	Type() string
}

// HashUpdater is implemented by providers that select pods by
// pod-template hash themselves, as Istio's DestinationRule subsets do. The
// controller calls it before SetWeight when the canary or stable revision
// changes, as Argo calls UpdateHash.
type HashUpdater interface {
	// UpdateHash points the canary and stable selections (and those of the
	// additional destinations) at the given pod-template hashes; an empty
	// hash removes the selection's hash label.
	UpdateHash(ctx context.Context, canaryHash, stableHash string, additional ...WeightDestination) error
}
