package istio

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// SetHeaderRoute replaces the named HTTP route in every VirtualService
// with one sending requests whose headers match to the canary (its
// subset, with subset-level splitting) at weight 100, on the port of the
// weighted route; with no match it only removes it. Managed routes are
// then ordered first, in managedRoutes order, as Argo does.
func (r *Reconciler) SetHeaderRoute(ctx context.Context, route *v1alpha1.SetHeaderRoute) error {
	if err := trafficrouting.CheckManagedRoute(r.rollout, route.Name); err != nil {
		return err
	}
	return r.editRoutes(ctx, route.Name, func(ref v1alpha1.IstioVirtualService, routes []any, canary map[string]any) ([]any, error) {
		if len(route.Match) == 0 {
			return routes, nil
		}
		var matches []any
		for _, m := range route.Match {
			if m.HeaderValue == nil {
				return nil, fmt.Errorf("header route %q: header %q: no value to match", route.Name, m.HeaderName)
			}
			matches = append(matches, map[string]any{"headers": map[string]any{m.HeaderName: stringMatch(*m.HeaderValue)}})
		}
		return append(routes, map[string]any{
			"name":  route.Name,
			"match": matches,
			"route": []any{map[string]any{"destination": canary, "weight": int64(100)}},
		}), nil
	})
}

// SetMirrorRoute replaces the named HTTP route in every VirtualService
// with one that sends matching requests where the weighted route sends
// them and copies percentage of them (default 100) to the canary; with no
// match it only removes it. It goes first, then managed routes are ordered.
func (r *Reconciler) SetMirrorRoute(ctx context.Context, route *v1alpha1.SetMirrorRoute) error {
	if err := trafficrouting.CheckManagedRoute(r.rollout, route.Name); err != nil {
		return err
	}
	percent := int64(100)
	if route.Percentage != nil {
		percent = int64(*route.Percentage)
	}
	return r.editRoutes(ctx, route.Name, func(ref v1alpha1.IstioVirtualService, routes []any, canary map[string]any) ([]any, error) {
		if len(route.Match) == 0 {
			return routes, nil
		}
		weighted, err := r.weightedRoute(ref, routes)
		if err != nil {
			return nil, fmt.Errorf("mirror route %q: %w", route.Name, err)
		}
		var matches []any
		for _, m := range route.Match {
			match := map[string]any{}
			if m.Method != nil {
				match["method"] = stringMatch(*m.Method)
			}
			if m.Path != nil {
				match["uri"] = stringMatch(*m.Path)
			}
			if len(m.Headers) > 0 {
				headers := map[string]any{}
				for k, v := range m.Headers {
					headers[k] = stringMatch(v)
				}
				match["headers"] = headers
			}
			matches = append(matches, match)
		}
		mirror := map[string]any{
			"name":             route.Name,
			"match":            matches,
			"route":            runtime.DeepCopyJSONValue(weighted["route"]),
			"mirror":           canary,
			"mirrorPercentage": map[string]any{"value": percent},
		}
		return append([]any{mirror}, routes...), nil
	})
}

// editRoutes reads every VirtualService, drops the named route, lets add
// put its new version in, orders managed routes, and writes the
// VirtualServices that changed once all are computed.
func (r *Reconciler) editRoutes(ctx context.Context, name string, add func(v1alpha1.IstioVirtualService, []any, map[string]any) ([]any, error)) error {
	vss, err := r.read(ctx, false)
	if err != nil {
		return err
	}
	canaryHost, err := r.canaryHost(ctx)
	if err != nil {
		return err
	}
	var changed []*unstructured.Unstructured
	for _, v := range vss {
		routes, _, err := unstructured.NestedSlice(v.obj.Object, "spec", "http")
		if err != nil || len(routes) == 0 {
			return fmt.Errorf("virtualservice %q: no spec.http", v.ref.Name)
		}
		routes = slices.DeleteFunc(routes, func(rt any) bool { return routeName(rt) == name })
		canary := map[string]any{"host": canaryHost}
		if weighted, err := r.weightedRoute(v.ref, routes); err == nil {
			if port := firstPort(weighted); port != nil {
				canary["port"] = port
			}
		}
		if r.config.DestinationRule != nil {
			canary["subset"] = r.config.DestinationRule.CanarySubsetName
		}
		if routes, err = add(v.ref, routes, canary); err != nil {
			return fmt.Errorf("virtualservice %q: %w", v.ref.Name, err)
		}
		updated := v.obj.DeepCopy()
		if err := unstructured.SetNestedSlice(updated.Object, r.ordered(routes), "spec", "http"); err != nil {
			return fmt.Errorf("virtualservice %q: %w", v.ref.Name, err)
		}
		if !equalSpec(v.obj, updated) {
			changed = append(changed, updated)
		}
	}
	return r.write(ctx, changed)
}

// canaryHost is the host of header and mirror destinations: the
// DestinationRule's host with subset-level splitting, else the canary
// Service.
func (r *Reconciler) canaryHost(ctx context.Context) (string, error) {
	if r.config.DestinationRule == nil {
		_, canary := trafficrouting.Services(r.rollout)
		return canary, nil
	}
	dr, err := r.client.Get(ctx, r.DestinationRuleGVR(), r.rollout.Namespace, r.config.DestinationRule.Name)
	if err != nil {
		return "", fmt.Errorf("destinationrule %q: %w", r.config.DestinationRule.Name, err)
	}
	host, _, _ := unstructured.NestedString(dr.Object, "spec", "host")
	if host == "" {
		return "", fmt.Errorf("destinationrule %q: no spec.host", r.config.DestinationRule.Name)
	}
	return host, nil
}

// weightedRoute is the first HTTP route SetWeight weighs.
func (r *Reconciler) weightedRoute(ref v1alpha1.IstioVirtualService, routes []any) (map[string]any, error) {
	indexes, err := r.selectRoutes("http", ref, routes)
	if err != nil {
		return nil, err
	}
	m, _ := routes[indexes[0]].(map[string]any)
	return m, nil
}

func firstPort(route map[string]any) any {
	dests, _ := route["route"].([]any)
	if len(dests) == 0 {
		return nil
	}
	d, _ := dests[0].(map[string]any)
	dest, _ := d["destination"].(map[string]any)
	if port, ok := dest["port"]; ok {
		return runtime.DeepCopyJSONValue(port)
	}
	return nil
}

func stringMatch(m v1alpha1.StringMatch) map[string]any {
	out := map[string]any{}
	if m.Exact != "" {
		out["exact"] = m.Exact
	}
	if m.Prefix != "" {
		out["prefix"] = m.Prefix
	}
	if m.Regex != "" {
		out["regex"] = m.Regex
	}
	return out
}

// ordered puts the managed routes first, in managedRoutes order, then the
// others in their order.
func (r *Reconciler) ordered(routes []any) []any {
	managed := trafficrouting.ManagedRouteNames(r.rollout)
	out := make([]any, 0, len(routes))
	for _, name := range managed {
		for _, rt := range routes {
			if routeName(rt) == name {
				out = append(out, rt)
			}
		}
	}
	for _, rt := range routes {
		if !slices.Contains(managed, routeName(rt)) {
			out = append(out, rt)
		}
	}
	return out
}

// RemoveManagedRoutes removes the HTTP routes named in managedRoutes from
// every VirtualService that has any; missing VirtualServices are skipped.
func (r *Reconciler) RemoveManagedRoutes(ctx context.Context) error {
	managed := trafficrouting.ManagedRouteNames(r.rollout)
	if len(managed) == 0 {
		return nil
	}
	vss, err := r.read(ctx, true)
	if err != nil {
		return err
	}
	var changed []*unstructured.Unstructured
	for _, v := range vss {
		routes, _, _ := unstructured.NestedSlice(v.obj.Object, "spec", "http")
		kept := slices.DeleteFunc(slices.Clone(routes), func(rt any) bool { return slices.Contains(managed, routeName(rt)) })
		if len(kept) == len(routes) {
			continue
		}
		updated := v.obj.DeepCopy()
		if err := unstructured.SetNestedSlice(updated.Object, kept, "spec", "http"); err != nil {
			return fmt.Errorf("virtualservice %q: %w", v.ref.Name, err)
		}
		changed = append(changed, updated)
	}
	return r.write(ctx, changed)
}
