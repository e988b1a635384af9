package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// iammanager.keikoproj.io, as Argo CD assesses it
// (resource_customizations/iammanager.keikoproj.io).
func init() {
	register("iammanager.keikoproj.io", map[string]Check{"Iamrole": iamroleHealth})
}

// iamroleHealth: status.state Ready is Healthy, an error state Degraded
// (with the retry count and error description), else Progressing; the
// messages name the role's name, ARN and ID. Follows
// resource_customizations/iammanager.keikoproj.io/Iamrole.
func iamroleHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookMap(obj.Object, "status"); ok {
		field := func(f string) string {
			if v, ok := lookStr(obj.Object, "status", f); ok {
				return v
			}
			return "<none>"
		}
		role := "role '" + field("roleName") + "' with ARN '" + field("roleARN") + "' and ID '" + field("roleID") + "'."
		state, _ := lookStr(obj.Object, "status", "state")
		switch state {
		case "Ready":
			return healthy("Role '" + field("roleName") + "' exists with ARN '" + field("roleARN") + "' and ID '" + field("roleID") + "'."), nil
		case "Error", "RolesMaxLimitReached", "PolicyNotAllowed", "RoleNameNotAvailable":
			msg := "Failed to reconcile the Iamrole "
			if n, ok := lookNum(obj.Object, "status", "retryCount"); ok && n > 0 {
				msg += "(retry " + luaString(n) + ") "
			}
			msg += "for " + role
			if e, ok := lookStr(obj.Object, "status", "errorDescription"); ok {
				msg += " Reconciliation error was: " + e
			}
			return degraded(msg), nil
		}
	}
	return progressing("Waiting for Iamrole to be reconciled"), nil
}
