package health

// karpenter.k8s.aws, as Argo CD assesses it (resource_customizations/karpenter.k8s.aws).
func init() {
	register("karpenter.k8s.aws", map[string]Check{
		// EC2NodeClass: the first decided Ready condition; follows
		// resource_customizations/karpenter.k8s.aws/EC2NodeClass.
		"EC2NodeClass": condScan{Waiting: "Waiting for EC2NodeClass to be ready", Cases: []condCase{
			{Type: "Ready", Status: "False", Code: codeDegraded},
			{Type: "Ready", Status: "True", Code: codeHealthy, Msg: say("EC2NodeClass is ready")},
		}}.check,
	})
}
