package health

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Cluster API, as Argo CD assesses it (resource_customizations/
// cluster.x-k8s.io, addons.cluster.x-k8s.io, controlplane.cluster.x-k8s.io).
func init() {
	register("cluster.x-k8s.io", map[string]Check{
		"Cluster":            capiClusterHealth,
		"Machine":            capiMachineHealth,
		"MachineDeployment":  capiMachineDeploymentHealth,
		"MachineHealthCheck": capiMachineHealthCheckHealth,
		"MachinePool":        capiMachinePoolHealth,
	})
	register("addons.cluster.x-k8s.io", map[string]Check{"ClusterResourceSet": clusterResourceSetHealth})
	register("controlplane.cluster.x-k8s.io", map[string]Check{"AWSManagedControlPlane": awsManagedControlPlaneHealth})
}

func paused(obj *unstructured.Unstructured) bool {
	p, _, _ := unstructured.NestedBool(obj.Object, "spec", "paused")
	return p
}

func statusPhase(obj *unstructured.Unstructured) string {
	p, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	return p
}

// capiClusterHealth: spec.paused is Suspended; phase Provisioned Healthy,
// Failed Degraded, else Progressing; then a Ready condition that is False
// with a severity other than Info (the provisioning window) is Degraded
// with its message.
func capiClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	if paused(obj) {
		return suspended("Cluster is paused"), nil
	}
	st := progressing("Waiting for clusters")
	switch statusPhase(obj) {
	case "Provisioned":
		st = healthy("Cluster is running")
	case "Failed":
		st = degraded("")
	}
	raw, _ := nestedList(obj.Object, "status", "conditions")
	for _, r := range raw {
		m, _ := r.(map[string]any)
		if m["type"] == "Ready" && m["status"] == "False" && m["severity"] != "Info" {
			msg, _ := m["message"].(string)
			return degraded(msg), nil
		}
	}
	return st, nil
}

// capiMachineHealth: phase Running is Healthy ("Machine is running"),
// Failed Degraded, else Progressing; when not Healthy the message is the
// first Ready False condition's, else "Condition is unknown".
func capiMachineHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("")
	switch statusPhase(obj) {
	case "Running":
		return healthy("Machine is running"), nil
	case "Failed":
		st = degraded("")
	}
	st.Message = "Condition is unknown"
	for _, c := range conditions(obj) {
		if c.Type == "Ready" && c.Status == "False" {
			st.Message = c.Message
			break
		}
	}
	return st, nil
}

// capiMachineDeploymentHealth: paused is Suspended; the phase decides,
// each with Argo CD's fixed message.
func capiMachineDeploymentHealth(obj *unstructured.Unstructured) (*Status, error) {
	if paused(obj) {
		return suspended("MachineDeployment is paused"), nil
	}
	switch statusPhase(obj) {
	case "Running":
		return healthy("Machines are running under this deployment"), nil
	case "ScalingUp":
		return progressing("Cluster is spawning machines"), nil
	case "ScalingDown":
		return progressing("Cluster is stopping machines"), nil
	case "Failed":
		return degraded("MachineDeployment is failed"), nil
	}
	return progressing("Waiting for machines"), nil
}

// capiMachineHealthCheckHealth: once status.currentHealthy is reported it
// is Healthy when it equals status.expectedMachines, else Degraded.
func capiMachineHealthCheckHealth(obj *unstructured.Unstructured) (*Status, error) {
	current, ok, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "currentHealthy")
	if !ok || current == nil {
		return progressing(""), nil
	}
	expected, _, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "expectedMachines")
	if expected == current {
		return healthy(""), nil
	}
	return degraded(""), nil
}

// capiMachinePoolHealth: "MachinePool is <phase>", Healthy when Running
// or Scaling, Degraded when Failed or Unknown, else Progressing; every
// False condition is appended ("Not <Type> (<Reason>)", comma separated).
func capiMachinePoolHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("")
	if phase := statusPhase(obj); phase != "" {
		st.Message = "MachinePool is " + phase
		switch phase {
		case "Running", "Scaling":
			st.Code = healthy("").Code
		case "Failed", "Unknown":
			st.Code = degraded("").Code
		}
	}
	var notes []string
	for _, c := range conditions(obj) {
		if c.Type != "" && c.Status == "False" {
			n := "Not " + c.Type
			if c.Reason != "" {
				n += " (" + c.Reason + ")"
			}
			notes = append(notes, n)
		}
	}
	if len(notes) > 0 {
		st.Message += ": " + strings.Join(notes, ", ")
	}
	return st, nil
}

// clusterResourceSetHealth: the first ResourcesApplied condition, True
// Healthy, False Degraded with its message; else Progressing.
func clusterResourceSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	for _, c := range conditions(obj) {
		if c.Type != "ResourcesApplied" {
			continue
		}
		switch c.Status {
		case "True":
			return healthy("cluster resource set is applied"), nil
		case "False":
			return degraded(c.Message), nil
		}
	}
	return progressing("Initializing cluster resource set"), nil
}

// awsManagedControlPlaneHealth (Cluster API Provider AWS): an unobserved
// generation is Progressing, status.failureMessage Degraded, an
// EKSControlPlaneUpdating condition Progressing, Ready True Healthy, False
// conditions of severity Error Degraded (their messages joined), else
// Progressing.
func awsManagedControlPlaneHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, ok := obj.Object["status"].(map[string]any)
	if !ok {
		return progressing("Provisioning..."), nil
	}
	observed, hasObserved, _ := unstructured.NestedInt64(status, "observedGeneration")
	if gen := obj.GetGeneration(); gen != 0 && hasObserved && observed != gen {
		return progressing("Waiting for the control plane spec to be reconciled"), nil
	}
	if msg, _ := status["failureMessage"].(string); msg != "" {
		return degraded(msg), nil
	}
	raw, ok := nestedList(obj.Object, "status", "conditions")
	if !ok {
		return progressing("Provisioning..."), nil
	}
	for _, c := range conditionsOf(raw) {
		if c.Type == "EKSControlPlaneUpdating" && c.Status == "True" {
			return progressing("EKS control plane is updating"), nil
		}
	}
	var errs strings.Builder
	failed := false
	for _, r := range raw {
		m, _ := r.(map[string]any)
		if m["type"] == "Ready" && m["status"] == "True" {
			return healthy("Control plane is ready"), nil
		}
		if m["status"] == "False" && m["severity"] == "Error" {
			failed = true
			msg, _ := m["message"].(string)
			errs.WriteString(msg + " ")
		}
	}
	if failed {
		return degraded(errs.String()), nil
	}
	if ready, ok := status["ready"].(bool); ok && !ready {
		return progressing("Control plane is not ready (.status.ready is false)"), nil
	}
	return progressing("Control plane is not ready"), nil
}
