package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// gateway.networking.k8s.io, as Argo CD assesses it
// (resource_customizations/gateway.networking.k8s.io).
func init() {
	register("gateway.networking.k8s.io", map[string]Check{
		"Gateway":          gatewayHealth,
		"GatewayClass":     gatewayClassHealth,
		"HTTPRoute":        routeRule{Kind: "HTTPRoute", CurrentOnly: true}.check,
		"GRPCRoute":        routeRule{Kind: "GRPCRoute"}.check,
		"BackendTLSPolicy": backendTLSPolicyHealth,
	})
}

// gatewayConditions is the shared Gateway API judgement of one list of
// conditions: the first ResolvedRefs, then the first Accepted that is
// False is Degraded; the first Programmed that is not True Progressing
// (with programming as its message when it has none); nil when all is well.
func gatewayConditions(conds []condition, prefix, programming string) *Status {
	for _, t := range []string{"ResolvedRefs", "Accepted"} {
		for _, c := range conds {
			if c.Type == t && c.Status == "False" {
				return degraded(prefix + c.messageOr("Failed condition: "+t))
			}
		}
	}
	for _, c := range conds {
		if c.Type == "Programmed" && c.Status != "True" {
			return progressing(prefix + c.messageOr(programming))
		}
	}
	return nil
}

// nestedList is a list field and whether it is there (even empty).
func nestedList(obj map[string]any, fields ...string) ([]any, bool) {
	l, ok, _ := unstructured.NestedSlice(obj, fields...)
	return l, ok
}

// gatewayHealth: the Gateway's conditions, then each listener's ("Listener: "
// before the message); Healthy once it has conditions or listeners.
func gatewayHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"]; !ok {
		return progressing("Waiting for Gateway status"), nil
	}
	raw, hasConds := nestedList(obj.Object, "status", "conditions")
	if hasConds {
		if st := gatewayConditions(conditionsOf(raw), "", "Gateway is still being programmed"); st != nil {
			return st, nil
		}
	}
	listeners, _ := nestedList(obj.Object, "status", "listeners")
	for _, l := range listeners {
		m, _ := l.(map[string]any)
		if raw, ok := nestedList(m, "conditions"); ok {
			if st := gatewayConditions(conditionsOf(raw), "Listener: ", "Listener is still being programmed"); st != nil {
				return st, nil
			}
		}
	}
	if hasConds || len(listeners) > 0 {
		return healthy("Gateway is healthy"), nil
	}
	return progressing("Waiting for Gateway status"), nil
}

// gatewayClassHealth: the first Accepted condition of the current
// generation decides: True Healthy, False Degraded, else Progressing.
func gatewayClassHealth(obj *unstructured.Unstructured) (*Status, error) {
	gen, hasGen, _ := unstructured.NestedInt64(obj.Object, "metadata", "generation")
	for _, c := range conditions(obj) {
		if c.Type != "Accepted" || (hasGen && c.HasObservedGeneration && c.ObservedGeneration != gen) {
			continue
		}
		switch c.Status {
		case "True":
			return healthy(c.messageOr("GatewayClass is accepted")), nil
		case "False":
			return degraded(c.messageOr("GatewayClass is not accepted")), nil
		}
		return progressing(c.messageOr("Waiting for GatewayClass status")), nil
	}
	return progressing("Waiting for GatewayClass status"), nil
}

// routeRule: each parent's conditions in turn ("Parent <name>: " before
// the message); Healthy once a parent has conditions. CurrentOnly (HTTPRoute)
// skips parents whose conditions are of an older generation.
type routeRule struct {
	Kind        string
	CurrentOnly bool
}

func (r routeRule) check(obj *unstructured.Unstructured) (*Status, error) {
	gen, hasGen, _ := unstructured.NestedInt64(obj.Object, "metadata", "generation")
	current := func(conds []condition) bool {
		if !r.CurrentOnly || !hasGen {
			return true
		}
		if len(conds) == 0 {
			return false
		}
		for _, c := range conds {
			if c.HasObservedGeneration && c.ObservedGeneration != gen {
				return false
			}
		}
		return true
	}
	parents, _ := nestedList(obj.Object, "status", "parents")
	for _, p := range parents {
		m, _ := p.(map[string]any)
		raw, ok := nestedList(m, "conditions")
		if !ok || !current(conditionsOf(raw)) {
			continue
		}
		name, _, _ := unstructured.NestedString(m, "parentRef", "name")
		if st := gatewayConditions(conditionsOf(raw), "Parent "+name+": ", "Route is still being programmed"); st != nil {
			return st, nil
		}
	}
	for _, p := range parents {
		m, _ := p.(map[string]any)
		raw, _ := nestedList(m, "conditions")
		if len(raw) > 0 && current(conditionsOf(raw)) {
			return healthy(r.Kind + " is healthy"), nil
		}
	}
	return progressing("Waiting for " + r.Kind + " status"), nil
}

// backendTLSPolicyHealth: every ancestor must have observed the current
// generation; then, in order, an Accepted or ResolvedRefs condition that
// is not True is Degraded ("Ancestor <name>: " and its message); an
// Accepted one that is True makes it Healthy.
func backendTLSPolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("Waiting for BackendTLSPolicy status")
	ancestors, ok := nestedList(obj.Object, "status", "ancestors")
	if !ok {
		return st, nil
	}
	type ancestor struct {
		name  string
		conds []condition
	}
	var as []ancestor
	for _, a := range ancestors {
		m, _ := a.(map[string]any)
		name, _, _ := unstructured.NestedString(m, "ancestorRef", "name")
		raw, _ := nestedList(m, "conditions")
		as = append(as, ancestor{name, conditionsOf(raw)})
	}
	if gen, hasGen, _ := unstructured.NestedInt64(obj.Object, "metadata", "generation"); hasGen {
		for _, a := range as {
			for _, c := range a.conds {
				if c.HasObservedGeneration && c.ObservedGeneration != gen {
					return progressing("Waiting for Ancestor " + a.name + " to update BackendTLSPolicy status"), nil
				}
			}
		}
	}
	for _, a := range as {
		for _, c := range a.conds {
			if (c.Type == "Accepted" || c.Type == "ResolvedRefs") && c.Status != "True" {
				return degraded("Ancestor " + a.name + ": " + c.Message), nil
			}
			if c.Type == "Accepted" {
				st = healthy("BackendTLSPolicy is healthy")
			}
		}
	}
	return st, nil
}
