package health

// lifecycle.keptn.sh, as Argo CD assesses it
// (resource_customizations/lifecycle.keptn.sh). Argo CD's scripts read
// the status without checking it is there: an object without status is
// Unknown.
func init() {
	// keptnPhase: the field at path Succeeded is Healthy, Failed Degraded,
	// else Progressing; "<Kind> is healthy" and so on; follows
	// resource_customizations/lifecycle.keptn.sh/<Kind>.
	keptnPhase := func(kind, field string) Check {
		return stateRule{Path: []string{"status", field}, NeedStatus: true, States: map[string]phaseHealth{
			"Succeeded": {Code: codeHealthy, Message: kind + " is healthy"},
			"Failed":    {Code: codeDegraded, Message: kind + " is degraded"},
		}, Default: phaseHealth{Code: codeProgressing, Message: kind + " is progressing"}}.check
	}
	register("lifecycle.keptn.sh", map[string]Check{
		"KeptnAppVersion":       keptnPhase("KeptnAppVersion", "status"),
		"KeptnEvaluation":       keptnPhase("KeptnEvaluation", "overallStatus"),
		"KeptnTask":             keptnPhase("KeptnTask", "status"),
		"KeptnWorkloadInstance": keptnPhase("KeptnWorkloadInstance", "status"),
		"KeptnWorkloadVersion":  keptnPhase("KeptnWorkloadVersion", "status"),
	})
}
