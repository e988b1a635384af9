package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// projectcontour.io, as Argo CD assesses it (resource_customizations/projectcontour.io).
func init() {
	register("projectcontour.io", map[string]Check{
		"ExtensionService": contourHealth(false),
		"HTTPProxy":        contourHealth(true),
	})
}

// contourHealth: only conditions of the object's generation count; the
// Valid condition True is Healthy, False Degraded. For an HTTPProxy the
// message is status.description, a proxy with includes and a False
// condition is Healthy (its inclusions cannot be checked), and without
// conditions status.description is the message once there is a
// status.currentStatus. Follows resource_customizations/projectcontour.io/ExtensionService
// and HTTPProxy.
func contourHealth(proxy bool) Check {
	return func(obj *unstructured.Unstructured) (*Status, error) {
		st := progressing("Waiting for status")
		status, ok := lookMap(obj.Object, "status")
		if !ok {
			return st, nil
		}
		desc, _ := status["description"].(string)
		gen, hasGen := lookNum(obj.Object, "metadata", "generation")
		raw, ok := status["conditions"].([]any)
		if !ok {
			if proxy && truthy(status["currentStatus"]) {
				st.Message = desc
			}
			return st, nil
		}
		for _, r := range raw {
			m, _ := r.(map[string]any)
			seen, hasSeen := lookNum(m, "observedGeneration")
			if hasGen != hasSeen || gen != seen {
				continue
			}
			c := conditionsOf([]any{r})[0]
			msg := c.Message
			if proxy {
				msg = desc
			}
			switch {
			case c.Type == "Valid" && c.Status == "True":
				return healthy(msg), nil
			case proxy && lookHas(obj.Object, "spec", "includes") && c.Status == "False":
				st = healthy("HTTPProxy inclusions cannot be health checked")
			case c.Type == "Valid" && c.Status == "False":
				return degraded(msg), nil
			}
		}
		return st, nil
	}
}
