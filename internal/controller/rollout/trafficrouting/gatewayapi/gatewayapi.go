package gatewayapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// Type is the provider's name: the plugin's.
const Type = PluginName

// Options is what a Reconciler works from.
type Options struct {
	// Rollout whose trafficRouting.plugins["argoproj-labs/gatewayAPI"] is
	// applied.
	Rollout *v1alpha1.Rollout
	// Client reads and writes the routes.
	Client trafficrouting.Client
}

// Reconciler writes backendRef weights and header rules in a Rollout's
// Gateway API routes. It implements trafficrouting.Reconciler.
type Reconciler struct {
	rollout *v1alpha1.Rollout
	config  *Config
	targets []target
	client  trafficrouting.Client
}

var _ trafficrouting.Reconciler = (*Reconciler)(nil)

// New returns the Reconciler for a Rollout configured for the plugin.
func New(opts Options) (*Reconciler, error) {
	_, tr, err := trafficrouting.Routing(opts.Rollout)
	if err != nil {
		return nil, err
	}
	cfg, targets, err := parseConfig(opts.Rollout, tr)
	if err != nil {
		return nil, err
	}
	return &Reconciler{rollout: opts.Rollout, config: cfg, targets: targets, client: opts.Client}, nil
}

// Type implements trafficrouting.Reconciler.
func (r *Reconciler) Type() string { return Type }

// read gets every configured route, or fails naming the first it cannot.
func (r *Reconciler) read(ctx context.Context) ([]*unstructured.Unstructured, error) {
	objs := make([]*unstructured.Unstructured, 0, len(r.targets))
	for _, t := range r.targets {
		obj, err := r.client.Get(ctx, t.gvr, r.config.Namespace, t.route.Name)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", t.kind, t.route.Name, err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// write updates the routes computed from read, in order.
func (r *Reconciler) write(ctx context.Context, objs []*unstructured.Unstructured) error {
	for i, obj := range objs {
		if obj == nil {
			continue
		}
		if _, err := r.client.Update(ctx, r.targets[i].gvr, obj); err != nil {
			return fmt.Errorf("update %s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
	}
	return nil
}

// SetWeight sets the canary and stable backendRef weights in every rule
// that is not a managed header rule, in every route; a route with no
// backendRef to either Service is an error naming it, and then no route is
// written. While the canary gets traffic the routes carry the plugin's
// in-progress label. Experiment destinations are not supported yet.
func (r *Reconciler) SetWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) error {
	if len(additional) > 0 {
		return trafficrouting.NotSupported(Type, "weight for experiment services")
	}
	stableWeight, err := trafficrouting.StableWeight(trafficrouting.MaxWeight(r.rollout), desiredWeight)
	if err != nil {
		return err
	}
	objs, err := r.read(ctx)
	if err != nil {
		return err
	}
	stable, canary := trafficrouting.Services(r.rollout)
	for i, obj := range objs {
		rules, _, err := unstructured.NestedSlice(obj.Object, "spec", "rules")
		if err != nil {
			return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
		var foundCanary, foundStable bool
		for _, rule := range r.weightedRules(rules) {
			for _, ref := range backendRefs(rule) {
				switch ref["name"] {
				case canary:
					ref["weight"] = int64(desiredWeight)
					foundCanary = true
				case stable:
					ref["weight"] = int64(stableWeight)
					foundStable = true
				}
			}
		}
		if !foundCanary || !foundStable {
			return fmt.Errorf("%s %q: no rule has backendRefs to both canary service %q and stable service %q", r.targets[i].kind, obj.GetName(), canary, stable)
		}
		if err := unstructured.SetNestedSlice(obj.Object, rules, "spec", "rules"); err != nil {
			return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
		r.setInProgressLabel(obj, desiredWeight)
	}
	return r.write(ctx, objs)
}

// setInProgressLabel puts the plugin's label on a route while the canary
// has a weight and takes it off at 0.
func (r *Reconciler) setInProgressLabel(obj *unstructured.Unstructured, weight int32) {
	if r.config.DisableInProgressLabel {
		return
	}
	key, value := r.config.InProgressLabelKey, r.config.InProgressLabelValue
	if key == "" {
		key = DefaultInProgressLabelKey
	}
	if value == "" {
		value = DefaultInProgressLabelValue
	}
	labels := obj.GetLabels()
	if weight == 0 {
		if _, ok := labels[key]; ok {
			delete(labels, key)
			obj.SetLabels(labels)
			if len(labels) == 0 {
				unstructured.RemoveNestedField(obj.Object, "metadata", "labels")
			}
		}
		return
	}
	if labels == nil {
		labels = map[string]string{}
	}
	labels[key] = value
	obj.SetLabels(labels)
}

// VerifyWeight reads the routes back: true when every weighted rule gives
// the canary and stable backendRefs the weights SetWeight writes.
func (r *Reconciler) VerifyWeight(ctx context.Context, desiredWeight int32, additional ...trafficrouting.WeightDestination) (bool, error) {
	if len(additional) > 0 {
		return false, nil
	}
	stableWeight, err := trafficrouting.StableWeight(trafficrouting.MaxWeight(r.rollout), desiredWeight)
	if err != nil {
		return false, err
	}
	objs, err := r.read(ctx)
	if err != nil {
		return false, err
	}
	stable, canary := trafficrouting.Services(r.rollout)
	for _, obj := range objs {
		rules, _, _ := unstructured.NestedSlice(obj.Object, "spec", "rules")
		for _, rule := range r.weightedRules(rules) {
			for _, ref := range backendRefs(rule) {
				w, _ := ref["weight"].(int64)
				if (ref["name"] == canary && w != int64(desiredWeight)) || (ref["name"] == stable && w != int64(stableWeight)) {
					return false, nil
				}
			}
		}
	}
	return true, nil
}

// weightedRules are the rules SetWeight changes: all but managed header
// rules.
func (r *Reconciler) weightedRules(rules []any) []map[string]any {
	managed := trafficrouting.ManagedRouteNames(r.rollout)
	var out []map[string]any
	for _, rule := range rules {
		m, ok := rule.(map[string]any)
		if !ok {
			continue
		}
		if name, _ := m["name"].(string); name != "" && isManagedRuleName(name, managed) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// backendRefs are a rule's backendRefs as maps, changed in place.
func backendRefs(rule map[string]any) []map[string]any {
	refs, _ := rule["backendRefs"].([]any)
	out := make([]map[string]any, 0, len(refs))
	for _, ref := range refs {
		if m, ok := ref.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// isManagedRuleName reports whether a rule name is one a header route of
// these names produces: the name itself, or `<name>-<n>` for the second
// and later rules of one route, as the plugin names them.
func isManagedRuleName(rule string, managed []string) bool {
	for _, base := range managed {
		if rule == base {
			return true
		}
		if rest, ok := strings.CutPrefix(rule, base+"-"); ok {
			if _, err := strconv.Atoi(rest); err == nil {
				return true
			}
		}
	}
	return false
}
