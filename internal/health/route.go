package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// route.openshift.io, as Argo CD assesses it (resource_customizations/route.openshift.io).
func init() {
	register("route.openshift.io", map[string]Check{"Route": routeHealth})
}

// routeHealth counts the Admitted conditions of status.ingress: as many
// True as ingresses is Healthy, any False Degraded, else Progressing.
// Follows resource_customizations/route.openshift.io/Route.
func routeHealth(obj *unstructured.Unstructured) (*Status, error) {
	waiting := progressing("Route is still getting admitted")
	ingress, ok := lookList(obj.Object, "status", "ingress")
	if !ok {
		return waiting, nil
	}
	admitted, refused := 0, 0
	for _, r := range ingress {
		m, _ := r.(map[string]any)
		l, _ := m["conditions"].([]any)
		for _, c := range conditionsOf(l) {
			switch {
			case c.Type == "Admitted" && c.Status == "True":
				admitted++
			case c.Type == "Admitted" && c.Status == "False":
				refused++
			}
		}
	}
	switch {
	case admitted == len(ingress):
		return healthy("Route is healthy"), nil
	case refused > 0:
		return degraded("Route is degraded"), nil
	}
	return waiting, nil
}
