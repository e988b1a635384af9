package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// karpenter.sh, as Argo CD assesses it (resource_customizations/karpenter.sh).
func init() {
	register("karpenter.sh", map[string]Check{
		// NodePool: the first decided Ready condition, with its message;
		// follows resource_customizations/karpenter.sh/NodePool.
		"NodePool": condScan{Waiting: "Waiting for NodePool to be ready", Cases: []condCase{
			{Type: "Ready", Status: "False", Code: codeDegraded},
			{Type: "Ready", Status: "True", Code: codeHealthy},
		}}.check,
		"NodeClaim": nodeClaimHealth,
	})
}

// nodeClaim's conditions by priority: Disrupting is Suspended, Ready
// decides, then the furthest of Initialized, Registered and Launched.
var nodeClaim = condScan{ByCase: true, Waiting: "Waiting for NodeClaim to be launched", Cases: []condCase{
	{Type: "Disrupting", Status: "True", Code: codeSuspended},
	{Type: "Ready", Status: "True", Code: codeHealthy},
	{Type: "Ready", Status: "False", Code: codeDegraded},
	{Type: "Initialized", Status: "True", Code: codeProgressing, Msg: say("Node initialized, waiting for Ready")},
	{Type: "Registered", Status: "True", Code: codeProgressing, Msg: say("Node registered, waiting for initialization")},
	{Type: "Launched", Status: "True", Code: codeProgressing, Msg: say("Node launched, waiting for registration")},
}}

// nodeClaimHealth: Progressing while the spec's generation is not
// observed, else nodeClaim. Follows resource_customizations/karpenter.sh/NodeClaim.
func nodeClaimHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !generationObserved(obj) {
		return progressing("Waiting for NodeClaim spec to be reconciled"), nil
	}
	return nodeClaim.check(obj)
}
