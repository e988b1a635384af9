package health

// nmstate.io, as Argo CD assesses it: the first True condition of type
// Available (Healthy), Degraded, Progressing or Ignored (Suspended)
// decides, with "<reason>: <message>" (the reason alone without a
// message). Follows resource_customizations/nmstate.io/NodeNetworkConfigurationPolicy.
func init() {
	msg := func(c condition) string {
		if c.Message != "" {
			return c.Reason + ": " + c.Message
		}
		return c.Reason
	}
	register("nmstate.io", map[string]Check{
		"NodeNetworkConfigurationPolicy": condScan{Waiting: "Waiting for policy to be applied", Cases: []condCase{
			{Type: "Available", Status: "True", Code: codeHealthy, Msg: msg},
			{Type: "Degraded", Status: "True", Code: codeDegraded, Msg: msg},
			{Type: "Progressing", Status: "True", Code: codeProgressing, Msg: msg},
			{Type: "Ignored", Status: "True", Code: codeSuspended, Msg: msg},
		}}.check,
	})
}
