package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// k8s.mariadb.com, as Argo CD assesses it (resource_customizations/k8s.mariadb.com).
func init() {
	const noStatus = "No status info available"
	// Database, Grant and User: the first Ready condition decides (True
	// Healthy, else Degraded); until one, the last condition's message.
	ready := condScan{Waiting: noStatus, Last: condMessage, Cases: []condCase{
		{Type: "Ready", Status: "True", Code: codeHealthy},
		{Type: "Ready", Code: codeDegraded},
	}}.check
	register("k8s.mariadb.com", map[string]Check{
		"MariaDB":  mariaDBHealth,
		"Database": ready,
		"Grant":    ready,
		"User":     ready,
		// Backup: as MariaDB, Degraded when the CronJobScheduled condition
		// says Failed; messages are "<reason> <message>".
		"Backup": mariadbRule{Msg: reasonSpaceMessage, Failed: func(c condition) bool {
			return c.Reason == "CronJobScheduled" && c.Message == "Failed"
		}}.check,
		// SqlJob: a True condition of reason JobComplete is Healthy, of
		// JobFailed Degraded.
		"SqlJob": condScan{Waiting: noStatus, Last: reasonSpaceMessage, Cases: []condCase{
			{Reason: "JobComplete", Status: "True", Code: codeHealthy, Msg: reasonSpaceMessage},
			{Reason: "JobFailed", Status: "True", Code: codeDegraded, Msg: reasonSpaceMessage},
		}}.check,
	})
}

// mariaDBHealth: the first False condition is Degraded when its reason
// is Failed, else Progressing; all others True is Healthy. Follows
// resource_customizations/k8s.mariadb.com/MariaDB and
// mariadb.mmontes.io/MariaDB.
var mariaDBHealth = mariadbRule{Msg: condMessage, Failed: func(c condition) bool { return c.Reason == "Failed" }}.check

// mariadbRule: the first False condition makes the object Degraded when
// Failed says so, else Progressing; with no False condition it is
// Healthy; the message is Msg of the last condition read. Without
// conditions it is Progressing.
type mariadbRule struct {
	Msg    func(condition) string
	Failed func(condition) bool
}

func (r mariadbRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookList(obj.Object, "status", "conditions"); !ok {
		return progressing("No status info available"), nil
	}
	msg := ""
	for _, c := range conditions(obj) {
		msg = r.Msg(c)
		if c.Status == "False" {
			if r.Failed(c) {
				return degraded(msg), nil
			}
			return progressing(msg), nil
		}
	}
	return healthy(msg), nil
}
