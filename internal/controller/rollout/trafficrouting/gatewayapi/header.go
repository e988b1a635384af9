package gatewayapi

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// SetHeaderRoute adds, to every route with useHeaderRoutes, one rule per
// weighted rule that reaches the canary: the same matches (path, method,
// query parameters) with the step's headers added, the same filters, and
// the canary Service as only backend. The rules are named after the route,
// `<name>`, `<name>-1`, ..., and replace the ones of the same name. A step
// with no match removes them. Header values match exactly, by prefix
// (as the regular expression `<prefix>.*`) or by regular expression, as in
// the plugin.
func (r *Reconciler) SetHeaderRoute(ctx context.Context, route *v1alpha1.SetHeaderRoute) error {
	if err := trafficrouting.CheckManagedRoute(r.rollout, route.Name); err != nil {
		return err
	}
	headers, err := headerMatches(route)
	if err != nil {
		return err
	}
	objs, err := r.read(ctx)
	if err != nil {
		return err
	}
	_, canary := trafficrouting.Services(r.rollout)
	for i, obj := range objs {
		if !r.targets[i].route.UseHeaderRoutes {
			objs[i] = nil
			continue
		}
		rules, _, err := unstructured.NestedSlice(obj.Object, "spec", "rules")
		if err != nil {
			return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
		kept := withoutRules(rules, []string{route.Name})
		if len(route.Match) > 0 {
			added, err := headerRules(r.weightedRules(kept), route.Name, canary, headers)
			if err != nil {
				return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
			}
			kept = append(kept, added...)
		}
		if err := unstructured.SetNestedSlice(obj.Object, kept, "spec", "rules"); err != nil {
			return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
	}
	return r.write(ctx, objs)
}

// headerMatches turns the step's matches into Gateway API header matches
// (the same shape for HTTP and gRPC).
func headerMatches(route *v1alpha1.SetHeaderRoute) ([]any, error) {
	out := make([]any, 0, len(route.Match))
	for _, m := range route.Match {
		v := m.HeaderValue
		match := map[string]any{"name": m.HeaderName}
		switch {
		case v == nil:
			return nil, fmt.Errorf("header route %q: header %q: no value to match", route.Name, m.HeaderName)
		case v.Exact != "":
			match["type"], match["value"] = "Exact", v.Exact
		case v.Prefix != "":
			match["type"], match["value"] = "RegularExpression", v.Prefix+".*"
		case v.Regex != "":
			match["type"], match["value"] = "RegularExpression", v.Regex
		default:
			return nil, fmt.Errorf("header route %q: header %q: no exact, prefix or regex value", route.Name, m.HeaderName)
		}
		out = append(out, match)
	}
	return out, nil
}

// headerRules builds the managed rules for one route from its weighted
// rules that have a backendRef to the canary.
func headerRules(rules []map[string]any, name, canary string, headers []any) ([]any, error) {
	var out []any
	for _, rule := range rules {
		var canaryRef map[string]any
		for _, ref := range backendRefs(rule) {
			if ref["name"] == canary {
				canaryRef = ref
				break
			}
		}
		if canaryRef == nil {
			continue
		}
		ruleName := name
		if len(out) > 0 {
			ruleName = fmt.Sprintf("%s-%d", name, len(out))
		}
		ref := map[string]any{"group": "", "kind": "Service", "name": canary}
		if port, ok := canaryRef["port"]; ok {
			ref["port"] = runtime.DeepCopyJSONValue(port)
		}
		managed := map[string]any{"name": ruleName, "backendRefs": []any{ref}, "matches": matchesWithHeaders(rule, headers)}
		if filters, ok := rule["filters"].([]any); ok && len(filters) > 0 {
			managed["filters"] = runtime.DeepCopyJSONValue(filters)
		}
		out = append(out, managed)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("header route %q: no rule has a backendRef to canary service %q", name, canary)
	}
	return out, nil
}

// matchesWithHeaders copies a rule's matches with the headers added to
// each, or is one match on the headers alone when the rule has none.
func matchesWithHeaders(rule map[string]any, headers []any) []any {
	matches, _ := rule["matches"].([]any)
	if len(matches) == 0 {
		return []any{map[string]any{"headers": runtime.DeepCopyJSONValue(headers)}}
	}
	out := make([]any, 0, len(matches))
	for _, m := range matches {
		match, ok := runtime.DeepCopyJSONValue(m).(map[string]any)
		if !ok {
			continue
		}
		existing, _ := match["headers"].([]any)
		match["headers"] = append(existing, runtime.DeepCopyJSONValue(headers).([]any)...)
		out = append(out, match)
	}
	return out
}

// withoutRules drops the rules managed under the given names.
func withoutRules(rules []any, names []string) []any {
	out := make([]any, 0, len(rules))
	for _, rule := range rules {
		if m, ok := rule.(map[string]any); ok {
			if n, _ := m["name"].(string); n != "" && isManagedRuleName(n, names) {
				continue
			}
		}
		out = append(out, rule)
	}
	return out
}

// SetMirrorRoute is not supported: the plugin does not mirror.
func (r *Reconciler) SetMirrorRoute(context.Context, *v1alpha1.SetMirrorRoute) error {
	return trafficrouting.NotSupported(Type, "setMirrorRoute")
}

// RemoveManagedRoutes removes the rules of every managed route from every
// route; routes with none are not written.
func (r *Reconciler) RemoveManagedRoutes(ctx context.Context) error {
	managed := trafficrouting.ManagedRouteNames(r.rollout)
	if len(managed) == 0 {
		return nil
	}
	objs, err := r.read(ctx)
	if err != nil {
		return err
	}
	for i, obj := range objs {
		rules, _, _ := unstructured.NestedSlice(obj.Object, "spec", "rules")
		kept := withoutRules(rules, managed)
		if len(kept) == len(rules) {
			objs[i] = nil
			continue
		}
		if err := unstructured.SetNestedSlice(obj.Object, kept, "spec", "rules"); err != nil {
			return fmt.Errorf("%s %q: %w", r.targets[i].kind, obj.GetName(), err)
		}
	}
	return r.write(ctx, objs)
}
