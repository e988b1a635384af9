package health

// grafana-org-operator.kubitus-project.gitlab.io, every kind, as Argo CD
// assesses it: the first Ready condition decides (False Degraded, True
// Healthy, else Progressing), with its message. Follows
// resource_customizations/grafana-org-operator.kubitus-project.gitlab.io/_.
func init() {
	registerWildcard("grafana-org-operator.kubitus-project.gitlab.io", "*", condScan{Waiting: "Waiting ...", Cases: []condCase{
		{Type: "Ready", Status: "False", Code: codeDegraded},
		{Type: "Ready", Status: "True", Code: codeHealthy},
		{Type: "Ready", Code: codeProgressing},
	}}.check)
}
