package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// db.atlasgo.io, as Argo CD assesses it (resource_customizations/db.atlasgo.io).
func init() {
	register("db.atlasgo.io", map[string]Check{
		// AtlasMigration: the Ready condition, with its reason as message:
		// True Healthy; else Progressing for the reason Reconciling and
		// Degraded for any other; follows
		// resource_customizations/db.atlasgo.io/AtlasMigration.
		"AtlasMigration": atlasRule(func(c condition) bool { return c.Reason == "Reconciling" }),
		// AtlasSchema: likewise, but Progressing while the condition's
		// message is Reconciling or GettingDevDB; follows
		// resource_customizations/db.atlasgo.io/AtlasSchema.
		"AtlasSchema": atlasRule(func(c condition) bool { return c.Message == "Reconciling" || c.Message == "GettingDevDB" }),
	})
}

// atlasRule reads the first Ready condition: True is Healthy, else busy
// tells Progressing from Degraded; the message is the condition's reason.
func atlasRule(busy func(condition) bool) Check {
	return func(obj *unstructured.Unstructured) (*Status, error) {
		c, ok := findCondition(conditions(obj), "Ready")
		switch {
		case !ok:
			return progressing("Waiting for Atlas Operator"), nil
		case c.Status == "True":
			return healthy(c.Reason), nil
		case busy(c):
			return progressing(c.Reason), nil
		}
		return degraded(c.Reason), nil
	}
}
