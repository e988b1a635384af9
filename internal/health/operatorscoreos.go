package health

import (
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// operators.coreos.com, as Argo CD assesses it (resource_customizations/operators.coreos.com).
func init() {
	register("operators.coreos.com", map[string]Check{"Subscription": subscriptionHealth})
}

// subscriptionHealth lists each condition ("<n>: <type> | <status>") and
// status.state in the message; a failing condition (catalog sources
// unhealthy, install plan failed or missing, resolution failed) or an
// UpgradeFailed state makes it Degraded, a pending install plan or an
// unknown or upgrade state Progressing, else Healthy. With a manual
// approval pending on an installed CSV the pending plan does not count.
// Follows resource_customizations/operators.coreos.com/Subscription.
func subscriptionHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookList(obj.Object, "status", "conditions"); !ok {
		return progressing("An install plan for a subscription is pending installation"), nil
	}
	conds := conditions(obj)
	approval := false
	if mode, _ := lookStr(obj.Object, "spec", "installPlanApproval"); mode == "Manual" {
		for _, c := range conds {
			if c.Type == "InstallPlanPending" && c.Status == "True" && c.Reason == "RequiresApproval" {
				approval = lookHas(obj.Object, "status", "installedCSV")
				break
			}
		}
	}
	bad, pending, msg := 0, 0, ""
	for i, c := range conds {
		if approval && c.Type == "InstallPlanPending" {
			continue
		}
		msg += strconv.Itoa(i+1) + ": " + c.Type + " | " + c.Status + "\n"
		switch {
		case c.Type == "InstallPlanPending" && c.Status == "True":
			pending++
		case c.Type == "InstallPlanMissing" && c.Reason != "ReferencedInstallPlanNotFound":
			bad++
		case (c.Type == "CatalogSourcesUnhealthy" || c.Type == "InstallPlanFailed" || c.Type == "ResolutionFailed") && c.Status == "True":
			bad++
		}
	}
	state, ok := lookStr(obj.Object, "status", "state")
	switch {
	case !ok:
		pending++
		msg += ".status.state not yet known\n"
	case state == "UpgradePending" && approval:
		msg += ".status.state is 'UpgradePending' (manual InstallPlan approval pending; treated as healthy)\n"
	case state == "" || state == "UpgradeAvailable" || state == "UpgradePending":
		pending++
		msg += ".status.state is '" + state + "'\n"
	case state == "UpgradeFailed":
		bad++
		msg += ".status.state is '" + state + "'\n"
	default:
		msg += ".status.state is '" + state + "'\n"
	}
	switch {
	case bad > 0:
		return degraded(msg), nil
	case pending > 0:
		return progressing(msg), nil
	}
	return healthy(msg), nil
}
