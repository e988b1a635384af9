package health

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// gateway.solo.io, as Argo CD assesses it (resource_customizations/gateway.solo.io).
func init() {
	// Every kind of the group is assessed by its Solo validation state
	// (soloHealth); follows the Gateway, MatchableHttpGateway, RouteOption,
	// RouteTable, VirtualHostOption and VirtualService kinds of
	// resource_customizations/gateway.solo.io.
	register("gateway.solo.io", map[string]Check{
		"Gateway":              soloHealth,
		"MatchableHttpGateway": soloHealth,
		"RouteOption":          soloHealth,
		"RouteTable":           soloHealth,
		"VirtualHostOption":    soloHealth,
		"VirtualService":       soloHealth,
	})
}

// soloHealth reads the validation state Gloo reports, per namespace of
// the reporting controller in status.statuses (namespaces in name order,
// the first with a known state decides) or, in older versions, in
// status.state: Accepted (1) is Healthy, Pending (0) Suspended, Warning
// (3) and Rejected (2) Degraded with the reason. Otherwise Progressing.
func soloHealth(obj *unstructured.Unstructured) (*Status, error) {
	if byNS, ok := valueAt(obj.Object, "status", "statuses").(map[string]any); ok {
		names := make([]string, 0, len(byNS))
		for n := range byNS {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if st, ok := soloState(byNS[n]); ok {
				return st, nil
			}
		}
	}
	if st, ok := soloState(obj.Object["status"]); ok {
		return st, nil
	}
	return progressing("Update in progress"), nil
}

// soloState is the health of one validation status, by its state's name
// or number.
func soloState(v any) (*Status, bool) {
	s, _ := v.(map[string]any)
	state := s["state"]
	is := func(name string, n int64) bool { return state == name || sameValue(state, n) }
	switch {
	case is("Accepted", 1):
		return healthy("The resource has been validated"), true
	case is("Warning", 3), is("Rejected", 2):
		return degraded(valueText(s["reason"])), true
	case is("Pending", 0):
		return suspended("The resource has not yet been validated"), true
	}
	return nil, false
}
