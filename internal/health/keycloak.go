package health

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// k8s.keycloak.org, as Argo CD assesses it (resource_customizations/k8s.keycloak.org).
func init() {
	register("k8s.keycloak.org", map[string]Check{"Keycloak": keycloakHealth})
}

// keycloakHealth: the conditions oldest first by lastTransitionTime (those
// without one last); the first Ready True makes it Healthy, the first
// HasErrors True Degraded with "Has Errors: <message>"; else Progressing.
// Follows resource_customizations/k8s.keycloak.org/Keycloak.
func keycloakHealth(obj *unstructured.Unstructured) (*Status, error) {
	raw, ok := lookList(obj.Object, "status", "conditions")
	if !ok {
		return progressing("Waiting for Keycloak status conditions to exist"), nil
	}
	type timed struct {
		c    condition
		at   string
		hasT bool
	}
	conds := conditionsOf(raw)
	list := make([]timed, 0, len(conds))
	for i, c := range conds {
		m, _ := raw[i].(map[string]any)
		at, has := m["lastTransitionTime"].(string)
		list = append(list, timed{c: c, at: at, hasT: has})
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.hasT {
			return false
		}
		return !b.hasT || a.at < b.at
	})
	for _, t := range list {
		switch {
		case t.c.Type == "Ready" && t.c.Status == "True":
			return healthy(""), nil
		case t.c.Type == "HasErrors" && t.c.Status == "True":
			return degraded("Has Errors: " + t.c.Message), nil
		}
	}
	return progressing(""), nil
}
