package health

// operator.openshift.io, as Argo CD assesses it (resource_customizations/operator.openshift.io).
func init() {
	register("operator.openshift.io", map[string]Check{
		// IngressController: the first condition that is Degraded True,
		// DeploymentReplicasAllAvailable False or Progressing True (with
		// its reason) or Available True decides; follows
		// resource_customizations/operator.openshift.io/IngressController.
		"IngressController": condScan{Waiting: "Status of IngressController is not known yet", Cases: []condCase{
			{Type: "Degraded", Status: "True", Code: codeDegraded},
			{Type: "DeploymentReplicasAllAvailable", Status: "False", Code: codeProgressing},
			{Type: "Progressing", Status: "True", Code: codeProgressing, Msg: func(c condition) string { return c.Reason }},
			{Type: "Available", Status: "True", Code: codeHealthy, Msg: say("IngressController is available")},
		}}.check,
	})
}
