package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// policy.open-cluster-management.io, as Argo CD assesses it
// (resource_customizations/policy.open-cluster-management.io).
func init() {
	register("policy.open-cluster-management.io", map[string]Check{
		"CertificatePolicy":   certificatePolicyHealth,
		"ConfigurationPolicy": configurationPolicyHealth,
		"OperatorPolicy":      operatorPolicyHealth,
		"Policy":              ocmPolicyHealth,
	})
}

const ocmWaiting = "Waiting for the status to be reported"

// certificatePolicyHealth: status.compliant Compliant is Healthy, any
// other value Degraded. Follows
// resource_customizations/policy.open-cluster-management.io/CertificatePolicy.
func certificatePolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !lookHas(obj.Object, "status", "compliant") {
		return progressing(ocmWaiting), nil
	}
	if s, _ := lookStr(obj.Object, "status", "compliant"); s == "Compliant" {
		return healthy("All certificates found comply with the policy"), nil
	}
	return degraded("At least once certificate does not comply with the policy"), nil
}

// configurationPolicyHealth: once status.lastEvaluatedGeneration is the
// generation, Compliant is Healthy and anything else Degraded, with the
// "<type> - <message>" of every compliancy detail's conditions joined by
// "; ". Follows resource_customizations/policy.open-cluster-management.io/ConfigurationPolicy.
func configurationPolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	if !lookHas(obj.Object, "status", "compliant") {
		return progressing(ocmWaiting), nil
	}
	evaluated, hasEvaluated := lookNum(obj.Object, "status", "lastEvaluatedGeneration")
	gen, hasGen := lookNum(obj.Object, "metadata", "generation")
	if hasEvaluated != hasGen || evaluated != gen {
		return progressing("Waiting for the status to be updated"), nil
	}
	code := codeDegraded
	if s, _ := lookStr(obj.Object, "status", "compliant"); s == "Compliant" {
		code = codeHealthy
	}
	details, ok := lookList(obj.Object, "status", "compliancyDetails")
	if !ok {
		return progressing("Waiting for compliance"), nil
	}
	var msgs []string
	for _, d := range details {
		m, _ := d.(map[string]any)
		l, _ := m["conditions"].([]any)
		for _, r := range l {
			c, _ := r.(map[string]any)
			t, hasT := c["type"].(string)
			msg, hasM := c["message"].(string)
			if hasT && hasM {
				msgs = append(msgs, t+" - "+msg)
			}
		}
	}
	return statusOf(code, strings.Join(msgs, "; ")), nil
}

// operatorPolicyHealth: once status.observedGeneration (when set) is the
// generation, the Compliant condition decides (True Healthy, else
// Degraded) with its message. Follows
// resource_customizations/policy.open-cluster-management.io/OperatorPolicy.
func operatorPolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := lookList(obj.Object, "status", "conditions"); !ok {
		return progressing(ocmWaiting), nil
	}
	if seen, ok := lookNum(obj.Object, "status", "observedGeneration"); ok {
		if gen, _ := lookNum(obj.Object, "metadata", "generation"); gen != seen {
			return progressing("Waiting for the status to be updated"), nil
		}
	}
	return condScan{Waiting: "Waiting for the compliance condition", Cases: []condCase{
		{Type: "Compliant", Status: "True", Code: codeHealthy},
		{Type: "Compliant", Code: codeDegraded},
	}}.check(obj)
}

// ocmPolicyHealth: a disabled policy is Healthy; one placed on no cluster
// Healthy; else status.compliant Compliant is Healthy and anything else
// Degraded, naming the non-compliant clusters (status.status) or
// templates (status.details). Follows
// resource_customizations/policy.open-cluster-management.io/Policy.
func ocmPolicyHealth(obj *unstructured.Unstructured) (*Status, error) {
	if v, _, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "disabled"); truthy(v) {
		return healthy("Policy is disabled"), nil
	}
	status, ok := lookMap(obj.Object, "status")
	if !ok {
		return progressing(ocmWaiting), nil
	}
	placement, _ := status["placement"].([]any)
	if status["compliant"] == nil && status["status"] == nil && len(placement) > 0 {
		return healthy("No clusters match this policy"), nil
	}
	if status["compliant"] == nil {
		return progressing(ocmWaiting), nil
	}
	st := degraded("")
	if status["compliant"] == "Compliant" {
		st.Code = codeHealthy
	}
	noncompliant := func(list []any, what string, name func(map[string]any) string) string {
		var names []string
		for _, e := range list {
			m, _ := e.(map[string]any)
			if m["compliant"] != "Compliant" {
				names = append(names, name(m))
			}
		}
		if len(names) == 0 {
			return "All " + what + " are compliant"
		}
		return "NonCompliant " + what + ": " + strings.Join(names, ", ")
	}
	if list, ok := status["status"].([]any); ok {
		st.Message = noncompliant(list, "clusters", func(m map[string]any) string { s, _ := m["clustername"].(string); return s })
	} else if list, ok := status["details"].([]any); ok {
		st.Message = noncompliant(list, "templates", func(m map[string]any) string { s, _ := lookStr(m, "templateMeta", "name"); return s })
	}
	return st, nil
}
