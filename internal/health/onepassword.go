package health

// onepassword.com, as Argo CD assesses it: the first Ready condition that
// is True (Healthy) or False (Degraded) decides, with its message.
// Follows resource_customizations/onepassword.com/OnePasswordItem.
func init() {
	register("onepassword.com", map[string]Check{
		"OnePasswordItem": condScan{Waiting: "Waiting for controller to report status", Cases: []condCase{
			{Type: "Ready", Status: "True", Code: codeHealthy},
			{Type: "Ready", Status: "False", Code: codeDegraded},
		}}.check,
	})
}
