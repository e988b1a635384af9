package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// capabilities.3scale.net, as Argo CD assesses it
// (resource_customizations/capabilities.3scale.net).
func init() {
	const (
		ok      = v1alpha1.HealthStatusHealthy
		bad     = v1alpha1.HealthStatusDegraded
		working = v1alpha1.HealthStatusProgressing
		waiting = v1alpha1.HealthStatusSuspended
	)
	// failed is Degraded with the condition's message, or text.
	failed := func(text string) condOutcome { return condOutcome{Code: bad, Message: text, FromCondition: true} }
	register("capabilities.3scale.net", map[string]Check{
		// ActiveDoc: Ready True Healthy; Invalid, Orphan or Failed True
		// Degraded; follows resource_customizations/capabilities.3scale.net/ActiveDoc.
		"ActiveDoc": threescaleRule("ActiveDoc", map[string]condOutcome{
			"Ready":   {Code: ok, Message: "3scale ActiveDoc is ready"},
			"Invalid": failed("3scale ActiveDoc configuration is invalid"),
			"Orphan":  failed("3scale ActiveDoc references non-existing resources"),
			"Failed":  failed("3scale ActiveDoc synchronization failed"),
		}),
		"Application": threescaleApplicationHealth,
		// ApplicationAuth: Ready True Healthy, Failed True Degraded; follows
		// resource_customizations/capabilities.3scale.net/ApplicationAuth.
		"ApplicationAuth": threescaleRule("ApplicationAuth", map[string]condOutcome{
			"Ready":  {Code: ok, Message: "3scale ApplicationAuth is ready"},
			"Failed": failed("3scale ApplicationAuth failed"),
		}),
		// Backend: Synced True Healthy; Invalid or Failed True Degraded;
		// follows resource_customizations/capabilities.3scale.net/Backend.
		"Backend": threescaleRule("Backend", map[string]condOutcome{
			"Synced":  {Code: ok, Message: "3scale Backend is synced"},
			"Invalid": failed("3scale Backend configuration is invalid"),
			"Failed":  failed("3scale Backend synchronization failed"),
		}),
		// CustomPolicyDefinition: Ready True Healthy; Invalid or Failed
		// True Degraded; follows
		// resource_customizations/capabilities.3scale.net/CustomPolicyDefinition.
		"CustomPolicyDefinition": threescaleRule("CustomPolicyDefinition", map[string]condOutcome{
			"Ready":   {Code: ok, Message: "3scale CustomPolicyDefinition is ready"},
			"Invalid": failed("3scale CustomPolicyDefinition configuration is invalid"),
			"Failed":  failed("3scale CustomPolicyDefinition synchronization failed"),
		}),
		// DeveloperAccount: Ready True Healthy; Invalid or Failed True
		// Degraded; Waiting True (for approval) Suspended; follows
		// resource_customizations/capabilities.3scale.net/DeveloperAccount.
		"DeveloperAccount": threescaleRule("DeveloperAccount", map[string]condOutcome{
			"Ready":   {Code: ok, Message: "3scale DeveloperAccount is ready"},
			"Invalid": failed("3scale DeveloperAccount configuration is invalid"),
			"Failed":  failed("3scale DeveloperAccount synchronization failed"),
			"Waiting": {Code: waiting, Message: "3scale DeveloperAccount is waiting for approval", FromCondition: true},
		}),
		"DeveloperUser": developerUserHealth,
		// OpenAPI: Ready True Healthy; Invalid or Failed True Degraded;
		// follows resource_customizations/capabilities.3scale.net/OpenAPI.
		"OpenAPI": threescaleRule("OpenAPI", map[string]condOutcome{
			"Ready":   {Code: ok, Message: "3scale OpenAPI is ready"},
			"Invalid": failed("3scale OpenAPI configuration is invalid"),
			"Failed":  failed("3scale OpenAPI reconciliation failed"),
		}),
		// Product: Synced True Healthy; Invalid, Orphan or Failed True
		// Degraded; follows resource_customizations/capabilities.3scale.net/Product.
		"Product": threescaleRule("Product", map[string]condOutcome{
			"Synced":  {Code: ok, Message: "3scale Product is synced"},
			"Invalid": failed("3scale Product configuration is invalid"),
			"Orphan":  failed("3scale Product references non-existing resources"),
			"Failed":  failed("3scale Product synchronization failed"),
		}),
		// ProxyConfigPromote: Ready True Healthy; In-progress True
		// Progressing; Failed True Degraded (Argo CD's fallback text has
		// the typo "3cale"); follows
		// resource_customizations/capabilities.3scale.net/ProxyConfigPromote.
		"ProxyConfigPromote": threescaleRule("ProxyConfigPromote", map[string]condOutcome{
			"Ready":       {Code: ok, Message: "3scale ProxyConfigPromote is ready"},
			"In-progress": {Code: working, Message: "3scale ProxyConfigPromote is in progress", FromCondition: true},
			"Failed":      failed("3cale ProxyConfigPromote failed"),
		}),
		"Tenant": tenantHealth,
	})
}

// threescaleRule: the first True condition of the types in byType
// decides; otherwise "Waiting for 3scale <kind> status...".
func threescaleRule(kind string, byType map[string]condOutcome) Check {
	r := condRule{When: map[condKey]condOutcome{}, Waiting: threescaleWaiting(kind)}
	for t, o := range byType {
		r.When[condKey{t, "True"}] = o
	}
	return r.check
}

func threescaleWaiting(kind string) string { return "Waiting for 3scale " + kind + " status..." }

// developerUserHealth: status.developerUserState suspended (awaiting
// approval) is Suspended; then Ready True Healthy; Invalid, Orphan or
// Failed True Degraded. Follows
// resource_customizations/capabilities.3scale.net/DeveloperUser.
func developerUserHealth(obj *unstructured.Unstructured) (*Status, error) {
	if valueAt(obj.Object, "status", "developerUserState") == "suspended" {
		return suspended("3scale Developer user is waiting for admin approval"), nil
	}
	failed := func(text string) condOutcome {
		return condOutcome{Code: v1alpha1.HealthStatusDegraded, Message: text, FromCondition: true}
	}
	return threescaleRule("DeveloperUser", map[string]condOutcome{
		"Ready":   {Code: v1alpha1.HealthStatusHealthy, Message: "3scale DeveloperUser is ready"},
		"Invalid": failed("3scale DeveloperUser configuration is invalid"),
		"Orphan":  failed("3scale DeveloperUser references non-existing resources"),
		"Failed":  failed("3scale DeveloperUser synchronization failed"),
	})(obj)
}

// positiveNumber reports whether the field is a number above zero.
func positiveNumber(obj *unstructured.Unstructured, path ...string) bool {
	n, err := numberAt(obj.Object, path...)
	return err == nil && n > 0
}

// threescaleApplicationHealth: status.state suspended is Suspended; a
// Ready condition True is Healthy, and one not True is Degraded (its
// message) while the application has no status.adminId yet. Follows
// resource_customizations/capabilities.3scale.net/Application.
func threescaleApplicationHealth(obj *unstructured.Unstructured) (*Status, error) {
	if valueAt(obj.Object, "status", "state") == "suspended" {
		return suspended("3scale Application is suspended"), nil
	}
	created := positiveNumber(obj, "status", "adminId")
	for _, c := range conditions(obj) {
		switch {
		case c.Type != "Ready":
		case c.Status == "True":
			return healthy("3scale Application is ready"), nil
		case !created:
			return degraded(c.messageOr("3scale Application is not ready")), nil
		}
	}
	return progressing(threescaleWaiting("Application")), nil
}

// tenantHealth: Ready True with status.tenantId and status.adminId set
// is Healthy; else the first Ready condition not True is Degraded with
// its message. Follows resource_customizations/capabilities.3scale.net/Tenant.
func tenantHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	ready := false
	for _, c := range conds {
		if c.Type == "Ready" && c.Status == "True" {
			ready = true
			break
		}
	}
	if ready && positiveNumber(obj, "status", "tenantId") && positiveNumber(obj, "status", "adminId") {
		return healthy("3scale Tenant is ready"), nil
	}
	for _, c := range conds {
		if c.Type == "Ready" && c.Status != "True" {
			return degraded(c.messageOr("3scale Tenant is degraded")), nil
		}
	}
	return progressing(threescaleWaiting("Tenant")), nil
}
