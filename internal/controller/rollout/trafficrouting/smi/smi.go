// Package smi splits a canary's traffic with an SMI TrafficSplit, as Argo
// Rollouts' SMI traffic router does: the Rollout owns a TrafficSplit
// (named trafficSplitName, default the Rollout's name) for the root
// Service (rootService, default the stable Service) whose backends are the
// canary Service, the experiments' Services and the stable Service.
package smi

import (
	"context"
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// Type is the provider's name, as Argo reports it.
const Type = "SMI"

// Group is the TrafficSplit API group.
const Group = "split.smi-spec.io"

// DefaultAPIVersion is the TrafficSplit version Argo writes unless its
// --smi-api-version flag says otherwise.
const DefaultAPIVersion = "v1alpha1"

// Config is what a Reconciler works from.
type Config struct {
	// Rollout whose trafficRouting.smi is applied.
	Rollout *v1alpha1.Rollout
	// Client reads and writes the TrafficSplit.
	Client trafficrouting.Client
	// APIVersion of TrafficSplit: v1alpha1 (default), v1alpha2 or v1alpha3.
	// v1alpha1 writes weights as quantities ("20"), the others as integers.
	APIVersion string
}

// Reconciler writes a Rollout's TrafficSplit. It implements
// trafficrouting.Reconciler.
type Reconciler struct {
	rollout *v1alpha1.Rollout
	config  *v1alpha1.SMITrafficRouting
	client  trafficrouting.Client
	version string
}

var _ trafficrouting.Reconciler = (*Reconciler)(nil)

// New returns the Reconciler for a Rollout with trafficRouting.smi.
func New(cfg Config) (*Reconciler, error) {
	_, tr, err := trafficrouting.Routing(cfg.Rollout)
	if err != nil {
		return nil, err
	}
	if tr.SMI == nil {
		return nil, fmt.Errorf("rollout %s/%s: no trafficRouting.smi", cfg.Rollout.Namespace, cfg.Rollout.Name)
	}
	version := cfg.APIVersion
	if version == "" {
		version = DefaultAPIVersion
	}
	switch version {
	case "v1alpha1", "v1alpha2", "v1alpha3":
	default:
		return nil, fmt.Errorf("trafficsplit api version %q: not one of v1alpha1, v1alpha2, v1alpha3", version)
	}
	return &Reconciler{rollout: cfg.Rollout, config: tr.SMI, client: cfg.Client, version: version}, nil
}

// GVR is the TrafficSplit resource the Reconciler writes.
func (r *Reconciler) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: Group, Version: r.version, Resource: "trafficsplits"}
}

// Type implements trafficrouting.Reconciler.
func (r *Reconciler) Type() string { return Type }

// Name is the TrafficSplit's name: trafficSplitName, or the Rollout's.
func (r *Reconciler) Name() string {
	if r.config.TrafficSplitName != "" {
		return r.config.TrafficSplitName
	}
	return r.rollout.Name
}

// spec is the TrafficSplit spec at a weight: backends canary, additional
// destinations, stable, as Argo orders them.
func (r *Reconciler) spec(desired int32, additional []trafficrouting.WeightDestination) (map[string]any, error) {
	stableWeight, err := trafficrouting.StableWeight(trafficrouting.MaxWeight(r.rollout), desired, additional...)
	if err != nil {
		return nil, fmt.Errorf("trafficsplit %q: %w", r.Name(), err)
	}
	stable, canary := trafficrouting.Services(r.rollout)
	root := r.config.RootService
	if root == "" {
		root = stable
	}
	backends := []any{r.backend(canary, desired)}
	for _, d := range additional {
		backends = append(backends, r.backend(d.ServiceName, d.Weight))
	}
	backends = append(backends, r.backend(stable, stableWeight))
	return map[string]any{"service": root, "backends": backends}, nil
}

func (r *Reconciler) backend(service string, weight int32) map[string]any {
	var w any = int64(weight)
	if r.version == "v1alpha1" {
		w = strconv.Itoa(int(weight))
	}
	return map[string]any{"service": service, "weight": w}
}

// SetWeight creates the TrafficSplit or updates its spec. An existing
// TrafficSplit the Rollout does not control is an error, as in Argo.
func (r *Reconciler) SetWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) error {
	spec, err := r.spec(desiredWeight, additional)
	if err != nil {
		return err
	}
	current, err := r.client.Get(ctx, r.GVR(), r.rollout.Namespace, r.Name())
	if apierrors.IsNotFound(err) {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": Group + "/" + r.version,
			"kind":       "TrafficSplit",
			"spec":       spec,
		}}
		obj.SetName(r.Name())
		obj.SetNamespace(r.rollout.Namespace)
		obj.SetOwnerReferences([]metav1.OwnerReference{trafficrouting.OwnerReference(r.rollout)})
		if _, err := r.client.Create(ctx, r.GVR(), obj); err != nil {
			return fmt.Errorf("create trafficsplit %q: %w", r.Name(), err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("trafficsplit %q: %w", r.Name(), err)
	}
	if !trafficrouting.IsControlledBy(current.GetOwnerReferences(), r.rollout) {
		return fmt.Errorf("trafficsplit %q: not controlled by rollout %q", r.Name(), r.rollout.Name)
	}
	if equality.Semantic.DeepEqual(current.Object["spec"], spec) {
		return nil
	}
	current.Object["spec"] = spec
	if _, err := r.client.Update(ctx, r.GVR(), current); err != nil {
		return fmt.Errorf("update trafficsplit %q: %w", r.Name(), err)
	}
	return nil
}

// VerifyWeight reads the TrafficSplit back: true when its spec is the one
// SetWeight writes for these weights. Argo does not verify SMI weights.
func (r *Reconciler) VerifyWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) (bool, error) {
	spec, err := r.spec(desiredWeight, additional)
	if err != nil {
		return false, err
	}
	current, err := r.client.Get(ctx, r.GVR(), r.rollout.Namespace, r.Name())
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("trafficsplit %q: %w", r.Name(), err)
	}
	return equality.Semantic.DeepEqual(current.Object["spec"], spec), nil
}

// SetHeaderRoute is not supported: TrafficSplit has no request matching.
// Argo ignores the step.
func (r *Reconciler) SetHeaderRoute(context.Context, *v1alpha1.SetHeaderRoute) error {
	return trafficrouting.NotSupported(Type, "setHeaderRoute")
}

// SetMirrorRoute is not supported: TrafficSplit cannot mirror. Argo
// ignores the step.
func (r *Reconciler) SetMirrorRoute(context.Context, *v1alpha1.SetMirrorRoute) error {
	return trafficrouting.NotSupported(Type, "setMirrorRoute")
}

// RemoveManagedRoutes does nothing: SMI has no managed routes.
func (r *Reconciler) RemoveManagedRoutes(context.Context) error { return nil }
