// Package istio splits a canary's traffic with Istio, as Argo Rollouts'
// Istio traffic router does: it sets the destination weights of the named
// HTTP routes (and of TLS and TCP routes picked by port and SNI hosts) of
// one or more VirtualServices. With host-level splitting the destinations
// are the canary and stable Services; with subset-level splitting (a
// destinationRule in the Rollout) they are the DestinationRule's canary and
// stable subsets, whose pod-template-hash labels UpdateHash keeps pointing
// at the right revisions. Header and mirror routes are named HTTP routes
// listed in managedRoutes, kept first in their order of precedence.
package istio

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// Type is the provider's name, as Argo reports it.
const Type = "Istio"

// DefaultAPIVersion is the networking.istio.io version Argo uses unless
// its --istio-api-version flag says otherwise.
const DefaultAPIVersion = "v1alpha3"

// Config is what a Reconciler works from.
type Config struct {
	// Rollout whose trafficRouting.istio is applied.
	Rollout *v1alpha1.Rollout
	// Client reads and writes VirtualServices and DestinationRules.
	Client trafficrouting.Client
	// APIVersion of networking.istio.io (default v1alpha3).
	APIVersion string
}

// Reconciler writes a Rollout's Istio routes. It implements
// trafficrouting.Reconciler and trafficrouting.HashUpdater.
type Reconciler struct {
	rollout *v1alpha1.Rollout
	config  *v1alpha1.IstioTrafficRouting
	client  trafficrouting.Client
	version string
}

var (
	_ trafficrouting.Reconciler  = (*Reconciler)(nil)
	_ trafficrouting.HashUpdater = (*Reconciler)(nil)
)

// New returns the Reconciler for a Rollout with trafficRouting.istio.
// Istio weights are percentages, so a maxTrafficWeight other than 100 is
// refused.
func New(cfg Config) (*Reconciler, error) {
	_, tr, err := trafficrouting.Routing(cfg.Rollout)
	if err != nil {
		return nil, err
	}
	id := cfg.Rollout.Namespace + "/" + cfg.Rollout.Name
	if tr.Istio == nil {
		return nil, fmt.Errorf("rollout %s: no trafficRouting.istio", id)
	}
	if tr.Istio.VirtualService == nil && len(tr.Istio.VirtualServices) == 0 {
		return nil, fmt.Errorf("rollout %s: trafficRouting.istio names no virtualService", id)
	}
	if m := trafficrouting.MaxWeight(cfg.Rollout); m != 100 {
		return nil, fmt.Errorf("rollout %s: maxTrafficWeight %d: istio weights must sum to 100", id, m)
	}
	version := cfg.APIVersion
	if version == "" {
		version = DefaultAPIVersion
	}
	return &Reconciler{rollout: cfg.Rollout, config: tr.Istio, client: cfg.Client, version: version}, nil
}

// Type implements trafficrouting.Reconciler.
func (r *Reconciler) Type() string { return Type }

// VirtualServiceGVR is the VirtualService resource the Reconciler writes.
func (r *Reconciler) VirtualServiceGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "networking.istio.io", Version: r.version, Resource: "virtualservices"}
}

// DestinationRuleGVR is the DestinationRule resource the Reconciler writes.
func (r *Reconciler) DestinationRuleGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "networking.istio.io", Version: r.version, Resource: "destinationrules"}
}

// virtualServices are virtualServices when set, else virtualService.
func (r *Reconciler) virtualServices() []v1alpha1.IstioVirtualService {
	if len(r.config.VirtualServices) > 0 {
		return r.config.VirtualServices
	}
	return []v1alpha1.IstioVirtualService{*r.config.VirtualService}
}

// namespaceName splits a VirtualService reference: `name`, or Istio's
// `name.namespace` shorthand (a namespace has no dots, so the last part),
// with an optional `.svc.cluster.local` or `.cluster.local` suffix.
func (r *Reconciler) namespaceName(ref string) (string, string) {
	ref = strings.TrimSuffix(strings.TrimSuffix(ref, ".cluster.local"), ".svc")
	i := strings.LastIndex(ref, ".")
	if i < 0 {
		return r.rollout.Namespace, ref
	}
	return ref[i+1:], ref[:i]
}

// vs is one VirtualService read, with the Rollout's reference to it.
type vs struct {
	ref v1alpha1.IstioVirtualService
	obj *unstructured.Unstructured
}

// read gets every VirtualService; skipMissing drops missing ones instead
// of failing (for cleanup).
func (r *Reconciler) read(ctx context.Context, skipMissing bool) ([]vs, error) {
	var out []vs
	for _, ref := range r.virtualServices() {
		ns, name := r.namespaceName(ref.Name)
		obj, err := r.client.Get(ctx, r.VirtualServiceGVR(), ns, name)
		if skipMissing && apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("virtualservice %q: %w", ref.Name, err)
		}
		out = append(out, vs{ref: ref, obj: obj})
	}
	return out, nil
}

// write updates the VirtualServices that changed.
func (r *Reconciler) write(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, obj := range objs {
		if _, err := r.client.Update(ctx, r.VirtualServiceGVR(), obj); err != nil {
			return fmt.Errorf("update virtualservice %q: %w", obj.GetName(), err)
		}
	}
	return nil
}

// SetWeight gives the canary desiredWeight percent in every selected
// route of every VirtualService, each additional destination its weight
// (added to the route when missing), subsets in additionalSubsetNames keep
// theirs, and the stable destination the rest; other destinations are
// dropped, as in Argo. Every VirtualService is computed before any is
// written.
func (r *Reconciler) SetWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) error {
	vss, err := r.read(ctx, false)
	if err != nil {
		return err
	}
	var changed []*unstructured.Unstructured
	for _, v := range vss {
		updated := v.obj.DeepCopy()
		if err := r.setWeights(v.ref, updated, desiredWeight, additional); err != nil {
			return fmt.Errorf("virtualservice %q: %w", v.ref.Name, err)
		}
		if !equalSpec(v.obj, updated) {
			changed = append(changed, updated)
		}
	}
	return r.write(ctx, changed)
}

// VerifyWeight reads the VirtualServices back: true when every selected
// route has the weights SetWeight writes. Argo does not verify Istio
// weights.
func (r *Reconciler) VerifyWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) (bool, error) {
	vss, err := r.read(ctx, false)
	if err != nil {
		return false, err
	}
	for _, v := range vss {
		updated := v.obj.DeepCopy()
		if err := r.setWeights(v.ref, updated, desiredWeight, additional); err != nil {
			return false, fmt.Errorf("virtualservice %q: %w", v.ref.Name, err)
		}
		if !equalSpec(v.obj, updated) {
			return false, nil
		}
	}
	return true, nil
}
