package istio

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

func equalSpec(a, b *unstructured.Unstructured) bool {
	return equality.Semantic.DeepEqual(a.Object["spec"], b.Object["spec"])
}

// setWeights rewrites the weights of the selected HTTP, TLS and TCP routes
// of one VirtualService in place.
func (r *Reconciler) setWeights(ref v1alpha1.IstioVirtualService, obj *unstructured.Unstructured, desired int32, additional []trafficrouting.WeightDestination) error {
	for _, kind := range []string{"http", "tls", "tcp"} {
		routes, _, err := unstructured.NestedSlice(obj.Object, "spec", kind)
		if err != nil {
			return fmt.Errorf("spec.%s: %w", kind, err)
		}
		if len(routes) == 0 {
			if kind == "http" && len(ref.Routes) > 0 {
				return fmt.Errorf("http route %q not found: no spec.http", ref.Routes[0])
			}
			continue
		}
		indexes, err := r.selectRoutes(kind, ref, routes)
		if err != nil {
			return err
		}
		for _, i := range indexes {
			route, _ := routes[i].(map[string]any)
			if err := r.weighRoute(kind, i, route, desired, additional); err != nil {
				return err
			}
		}
		if err := unstructured.SetNestedSlice(obj.Object, routes, "spec", kind); err != nil {
			return fmt.Errorf("spec.%s: %w", kind, err)
		}
	}
	return nil
}

// selectRoutes returns the indexes of the routes of one kind to weigh.
// HTTP: the named routes, and the managed mirror routes (which carry a
// copy of the weighted destinations); with no names, the one route that is
// not managed, as Argo. TLS and TCP: the routes matching each configured
// port and SNI hosts; with none configured, the only route, if there is
// exactly one.
func (r *Reconciler) selectRoutes(kind string, ref v1alpha1.IstioVirtualService, routes []any) ([]int, error) {
	managed := trafficrouting.ManagedRouteNames(r.rollout)
	switch kind {
	case "http":
		var out []int
		if len(ref.Routes) == 0 {
			for i, rt := range routes {
				if !slices.Contains(managed, routeName(rt)) {
					out = append(out, i)
				}
			}
			if len(out) != 1 {
				return nil, fmt.Errorf("%d http routes not managed: name the one to weigh in virtualService.routes", len(out))
			}
		}
		for _, name := range ref.Routes {
			i := slices.IndexFunc(routes, func(rt any) bool { return routeName(rt) == name })
			if i < 0 {
				return nil, fmt.Errorf("http route %q not found", name)
			}
			out = append(out, i)
		}
		for i, rt := range routes {
			m, _ := rt.(map[string]any)
			if _, mirror := m["mirror"]; mirror && slices.Contains(managed, routeName(rt)) && !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
		return out, nil
	case "tls":
		if len(ref.TLSRoutes) == 0 {
			return onlyRoute(routes), nil
		}
		var out []int
		for _, want := range ref.TLSRoutes {
			found := matching(routes, want.Port, want.SNIHosts, true)
			if len(found) == 0 {
				return nil, fmt.Errorf("tls route with port %d and sniHosts %v not found", want.Port, want.SNIHosts)
			}
			out = append(out, found...)
		}
		return out, nil
	default:
		if len(ref.TCPRoutes) == 0 {
			return onlyRoute(routes), nil
		}
		var out []int
		for _, want := range ref.TCPRoutes {
			found := matching(routes, want.Port, nil, false)
			if len(found) == 0 {
				return nil, fmt.Errorf("tcp route with port %d not found", want.Port)
			}
			out = append(out, found...)
		}
		return out, nil
	}
}

func onlyRoute(routes []any) []int {
	if len(routes) == 1 {
		return []int{0}
	}
	return nil
}

func routeName(rt any) string {
	m, _ := rt.(map[string]any)
	name, _ := m["name"].(string)
	return name
}

// matching returns the routes whose match blocks all name one port, equal
// to port, and (for TLS) exactly the SNI hosts given, as Argo picks them.
func matching(routes []any, port int64, sniHosts []string, tls bool) []int {
	var out []int
	want := slices.Clone(sniHosts)
	sort.Strings(want)
	for i, rt := range routes {
		m, _ := rt.(map[string]any)
		matches, _ := m["match"].([]any)
		ports := map[int64]bool{}
		hosts := map[string]bool{}
		for _, mt := range matches {
			mm, _ := mt.(map[string]any)
			p, _ := mm["port"].(int64)
			ports[p] = true
			sni, _ := mm["sniHosts"].([]any)
			for _, h := range sni {
				if s, ok := h.(string); ok {
					hosts[s] = true
				}
			}
		}
		if len(ports) > 1 {
			continue
		}
		var p int64
		for k := range ports {
			p = k
		}
		got := make([]string, 0, len(hosts))
		for h := range hosts {
			got = append(got, h)
		}
		sort.Strings(got)
		if p == port && (!tls || slices.Equal(got, want)) {
			out = append(out, i)
		}
	}
	return out
}

// shortHost is a destination host's first label: `checkout` in
// `checkout.shop.svc.cluster.local`, which Argo compares to Service names.
func shortHost(host string) string {
	name, _, _ := strings.Cut(host, ".")
	return name
}

// weighRoute sets the weights of one route's destinations.
func (r *Reconciler) weighRoute(kind string, index int, route map[string]any, desired int32, additional []trafficrouting.WeightDestination) error {
	stable, canary := trafficrouting.Services(r.rollout)
	dr := r.config.DestinationRule
	dests, _ := route["route"].([]any)
	id := fmt.Sprintf("%s route %d", kind, index)
	if n := routeName(route); n != "" {
		id = fmt.Sprintf("%s route %q", kind, n)
	}

	isCanary := func(host, subset string) bool {
		if dr != nil {
			return subset != "" && subset == dr.CanarySubsetName
		}
		return host == canary
	}
	isStable := func(host, subset string) bool {
		if dr != nil {
			return subset != "" && subset == dr.StableSubsetName
		}
		return host == stable
	}
	byService := map[string]trafficrouting.WeightDestination{}
	for _, d := range additional {
		byService[d.ServiceName] = d
	}

	// Weights kept for additional subsets count against the stable share.
	var kept []trafficrouting.WeightDestination
	var foundCanary, foundStable bool
	for _, d := range dests {
		dm, _ := d.(map[string]any)
		host, subset := destination(dm)
		switch {
		case isCanary(host, subset):
			foundCanary = true
		case isStable(host, subset):
			foundStable = true
		case dr != nil && subset != "" && slices.Contains(dr.AdditionalSubsetNames, subset):
			w, _ := dm["weight"].(int64)
			kept = append(kept, trafficrouting.WeightDestination{ServiceName: subset, Weight: int32(w)})
		}
	}
	if !foundCanary {
		if dr != nil {
			return fmt.Errorf("%s: canary subset %q not found", id, dr.CanarySubsetName)
		}
		return fmt.Errorf("%s: canary service %q not found", id, canary)
	}
	if !foundStable {
		if dr != nil {
			return fmt.Errorf("%s: stable subset %q not found", id, dr.StableSubsetName)
		}
		return fmt.Errorf("%s: stable service %q not found", id, stable)
	}
	stableWeight, err := trafficrouting.StableWeight(100, desired, append(slices.Clone(additional), kept...)...)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}

	out := make([]any, 0, len(dests)+len(additional))
	for _, d := range dests {
		dm, _ := d.(map[string]any)
		host, subset := destination(dm)
		switch {
		case isCanary(host, subset):
			dm["weight"] = int64(desired)
		case isStable(host, subset):
			dm["weight"] = int64(stableWeight)
		case dr != nil && subset != "" && slices.Contains(dr.AdditionalSubsetNames, subset):
		default:
			extra, ok := byService[host]
			if !ok {
				continue // a destination of a finished experiment
			}
			dm["weight"] = int64(extra.Weight)
			delete(byService, host)
		}
		out = append(out, dm)
	}
	for _, d := range additional {
		if _, missing := byService[d.ServiceName]; missing {
			out = append(out, map[string]any{"destination": map[string]any{"host": d.ServiceName}, "weight": int64(d.Weight)})
		}
	}
	route["route"] = out
	return nil
}

func destination(d map[string]any) (host, subset string) {
	dest, _ := d["destination"].(map[string]any)
	h, _ := dest["host"].(string)
	s, _ := dest["subset"].(string)
	return shortHost(h), s
}
