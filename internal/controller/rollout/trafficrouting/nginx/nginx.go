package nginx

import (
	"context"
	"fmt"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// Type is the provider's name, as Argo reports it.
const Type = "Nginx"

// IngressGVR is the resource of the stable and canary Ingresses.
var IngressGVR = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}

// Config is what a Reconciler works from.
type Config struct {
	// Rollout whose trafficRouting.nginx is applied.
	Rollout *v1alpha1.Rollout
	// Client reads the stable Ingresses and writes the canary ones.
	Client trafficrouting.Client
}

// Reconciler writes a Rollout's canary Ingresses. It implements
// trafficrouting.Reconciler.
type Reconciler struct {
	rollout *v1alpha1.Rollout
	config  *v1alpha1.NginxTrafficRouting
	client  trafficrouting.Client
}

var _ trafficrouting.Reconciler = (*Reconciler)(nil)

// New returns the Reconciler for a Rollout with trafficRouting.nginx.
func New(cfg Config) (*Reconciler, error) {
	_, tr, err := trafficrouting.Routing(cfg.Rollout)
	if err != nil {
		return nil, err
	}
	if tr.Nginx == nil {
		return nil, fmt.Errorf("rollout %s/%s: no trafficRouting.nginx", cfg.Rollout.Namespace, cfg.Rollout.Name)
	}
	r := &Reconciler{rollout: cfg.Rollout, config: tr.Nginx, client: cfg.Client}
	if len(r.stableIngresses()) == 0 {
		return nil, fmt.Errorf("rollout %s/%s: trafficRouting.nginx names no stableIngress", cfg.Rollout.Namespace, cfg.Rollout.Name)
	}
	return r, nil
}

// Type implements trafficrouting.Reconciler.
func (r *Reconciler) Type() string { return Type }

// stableIngresses are stableIngresses when set, else stableIngress, as
// Argo reads them (the two are exclusive).
func (r *Reconciler) stableIngresses() []string {
	if len(r.config.StableIngresses) > 0 {
		return r.config.StableIngresses
	}
	if r.config.StableIngress != "" {
		return []string{r.config.StableIngress}
	}
	return nil
}

// SetWeight brings every canary Ingress to the weight: created when
// missing, updated otherwise. At weight 0 the canary Ingresses stay, at
// canary-weight "0". All are computed before any is written. Additional
// destinations (experiments) have no place in an nginx canary Ingress;
// Argo ignores them, Tiphys returns an error wrapping ErrNotSupported.
func (r *Reconciler) SetWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) error {
	if len(additional) > 0 {
		return trafficrouting.NotSupported(Type, "weight for experiment services")
	}
	if _, err := trafficrouting.StableWeight(trafficrouting.MaxWeight(r.rollout), desiredWeight); err != nil {
		return err
	}
	type write struct {
		obj    *unstructured.Unstructured
		create bool
	}
	var writes []write
	for _, stableName := range r.stableIngresses() {
		name := CanaryIngressName(r.rollout.Name, stableName)
		stable, err := r.client.Get(ctx, IngressGVR, r.rollout.Namespace, stableName)
		if err != nil {
			return fmt.Errorf("stable ingress %q: %w", stableName, err)
		}
		desired, err := r.canaryIngress(stable, name, desiredWeight)
		if err != nil {
			return err
		}
		current, err := r.client.Get(ctx, IngressGVR, r.rollout.Namespace, name)
		if apierrors.IsNotFound(err) {
			writes = append(writes, write{obj: desired, create: true})
			continue
		}
		if err != nil {
			return fmt.Errorf("canary ingress %q: %w", name, err)
		}
		if !trafficrouting.IsControlledBy(current.GetOwnerReferences(), r.rollout) {
			return fmt.Errorf("canary ingress %q: controlled by another object than rollout %q", name, r.rollout.Name)
		}
		writes = append(writes, write{obj: merge(current, desired)})
	}
	for _, w := range writes {
		var err error
		if w.create {
			_, err = r.client.Create(ctx, IngressGVR, w.obj)
		} else {
			_, err = r.client.Update(ctx, IngressGVR, w.obj)
		}
		if err != nil {
			return fmt.Errorf("write canary ingress %q: %w", w.obj.GetName(), err)
		}
	}
	return nil
}

// merge is the existing canary Ingress with the desired spec and
// annotations; annotations others added (by other controllers) stay, as
// in Argo, and so do labels.
func merge(current, desired *unstructured.Unstructured) *unstructured.Unstructured {
	out := current.DeepCopy()
	ann := desired.GetAnnotations()
	for k, v := range current.GetAnnotations() {
		if _, ok := ann[k]; !ok {
			ann[k] = v
		}
	}
	out.SetAnnotations(ann)
	out.Object["spec"] = desired.Object["spec"]
	return out
}

// VerifyWeight reads the canary Ingresses back: true when each exists with
// canary-weight equal to the desired weight. Argo does not verify nginx
// weights.
func (r *Reconciler) VerifyWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) (bool, error) {
	key := annotationPrefix(r.rollout) + "/canary-weight"
	for _, stableName := range r.stableIngresses() {
		name := CanaryIngressName(r.rollout.Name, stableName)
		ing, err := r.client.Get(ctx, IngressGVR, r.rollout.Namespace, name)
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("canary ingress %q: %w", name, err)
		}
		if ing.GetAnnotations()[key] != strconv.Itoa(int(desiredWeight)) {
			return false, nil
		}
	}
	return len(additional) == 0, nil
}

// SetHeaderRoute is not supported: Argo ignores setHeaderRoute steps with
// nginx. Header canaries are set with additionalIngressAnnotations.
func (r *Reconciler) SetHeaderRoute(context.Context, *v1alpha1.SetHeaderRoute) error {
	return fmt.Errorf("%w (use additionalIngressAnnotations canary-by-header)", trafficrouting.NotSupported(Type, "setHeaderRoute"))
}

// SetMirrorRoute is not supported: ingress-nginx canaries cannot mirror.
func (r *Reconciler) SetMirrorRoute(context.Context, *v1alpha1.SetMirrorRoute) error {
	return trafficrouting.NotSupported(Type, "setMirrorRoute")
}

// RemoveManagedRoutes does nothing: nginx has no managed routes.
func (r *Reconciler) RemoveManagedRoutes(context.Context) error { return nil }
