package health

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// postgresql.cnpg.io, as Argo CD assesses it (resource_customizations/postgresql.cnpg.io).
func init() {
	register("postgresql.cnpg.io", map[string]Check{"Cluster": cnpgClusterHealth})
}

// cnpgPhases: a Cluster's status.phase to its health.
var cnpgPhases = map[string]v1alpha1.HealthStatusCode{
	"Cluster in healthy state":                                 codeHealthy,
	"Setting up primary":                                       codeProgressing,
	"Creating a new replica":                                   codeProgressing,
	"Upgrading cluster":                                        codeProgressing,
	"Waiting for the instances to become active":               codeProgressing,
	"Promoting to primary cluster":                             codeProgressing,
	"Switchover in progress":                                   codeDegraded,
	"Failing over":                                             codeDegraded,
	"Upgrading Postgres major version":                         codeDegraded,
	"Cluster upgrade delayed":                                  codeDegraded,
	"Waiting for user action":                                  codeDegraded,
	"Primary instance is being restarted in-place":             codeDegraded,
	"Primary instance is being restarted without a switchover": codeDegraded,
	"Cluster cannot execute instance online upgrade due to missing architecture binary": codeDegraded,
	"Online upgrade in progress":                codeDegraded,
	"Applying configuration":                    codeDegraded,
	"Unable to create required cluster objects": codeSuspended,
	"Cluster cannot proceed to reconciliation due to an unknown plugin being required": codeSuspended,
	"Cluster has incomplete or invalid image catalog":                                  codeSuspended,
	"Cluster is unrecoverable and needs manual intervention":                           codeSuspended,
}

// cnpgClusterHealth: a disabled reconciliation loop (annotation) is
// Suspended; a hibernation condition Suspended when True, else Degraded;
// else status.phase by cnpgPhases (Unknown for others), with
// status.phaseReason. Follows resource_customizations/postgresql.cnpg.io/Cluster.
func cnpgClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	if obj.GetAnnotations()["cnpg.io/reconciliationLoop"] == "disabled" {
		return suspended("Cluster reconciliation is suspended"), nil
	}
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return statusOf(codeUnknown, "no status to read status.phaseReason"), nil
	}
	reason, _ := lookStr(obj.Object, "status", "phaseReason")
	if _, ok := lookList(obj.Object, "status", "conditions"); !ok {
		return progressing(reason), nil
	}
	if c, ok := findCondition(conditions(obj), "cnpg.io/hibernation"); ok {
		if c.Status == "True" {
			return suspended(c.Message), nil
		}
		return degraded(c.Message), nil
	}
	phase, _ := lookStr(obj.Object, "status", "phase")
	code, ok := cnpgPhases[phase]
	if !ok {
		code = codeUnknown
	}
	return statusOf(code, reason), nil
}
