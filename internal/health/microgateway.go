package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// microgateway.airlock.com, every kind, as Argo CD assesses it
// (resource_customizations/microgateway.airlock.com/_).
func init() {
	registerWildcard("microgateway.airlock.com", "*", microgatewayHealth)
}

// microgatewayHealth: a kind not named ...Policy is Healthy. A policy is
// Progressing until each ancestor's conditions observed its generation;
// then per ancestor an Accepted or ResolvedRefs condition not True makes
// it Degraded ("Ancestor <name>: <message>"), an ancestor without an
// Accepted condition Degraded as not accepted, and an accepted one Healthy
// (the last ancestor's verdict stands). Follows
// resource_customizations/microgateway.airlock.com/_.
func microgatewayHealth(obj *unstructured.Unstructured) (*Status, error) {
	kind := obj.GetKind()
	if !strings.HasSuffix(kind, "Policy") {
		return healthy(kind + " is healthy"), nil
	}
	st := progressing("Waiting for " + kind + " status")
	ancestors, ok := lookList(obj.Object, "status", "ancestors")
	if !ok {
		return st, nil
	}
	name := func(a map[string]any) string { n, _ := lookStr(a, "ancestorRef", "name"); return n }
	conds := func(a map[string]any) []condition { l, _ := a["conditions"].([]any); return conditionsOf(l) }
	if gen, ok := lookNum(obj.Object, "metadata", "generation"); ok {
		for _, r := range ancestors {
			a, _ := r.(map[string]any)
			l, _ := a["conditions"].([]any)
			for _, c := range l {
				m, _ := c.(map[string]any)
				if seen, ok := lookNum(m, "observedGeneration"); !ok || seen != gen {
					return progressing("Waiting for Ancestor " + name(a) + " to update " + kind + " status"), nil
				}
			}
		}
	}
	for _, r := range ancestors {
		a, _ := r.(map[string]any)
		accepted := false
		for _, c := range conds(a) {
			if c.Type == "Accepted" {
				accepted = true
				if c.Status != "True" {
					return degraded("Ancestor " + name(a) + ": " + c.Message), nil
				}
				st = healthy(kind + " is healthy")
			}
			if c.Type == "ResolvedRefs" && c.Status != "True" {
				return degraded("Ancestor " + name(a) + ": " + c.Message), nil
			}
		}
		if !accepted {
			st = degraded("Ancestor " + name(a) + ": " + kind + " is not accepted")
		}
	}
	return st, nil
}
