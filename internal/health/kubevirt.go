package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// kubevirt.io, as Argo CD assesses it (resource_customizations/kubevirt.io).
func init() {
	register("kubevirt.io", map[string]Check{
		"VirtualMachine":         virtualMachineHealth,
		"VirtualMachineInstance": virtualMachineInstanceHealth,
	})
}

// virtualMachineHealth: Paused True is Suspended; Ready True Healthy
// (Running); Ready otherwise Starting once created, else Suspended
// (Stopped); status.printableStatus, when set, is the message. Follows
// resource_customizations/kubevirt.io/VirtualMachine.
func virtualMachineHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("No status available")
	status, ok := lookMap(obj.Object, "status")
	if !ok {
		return st, nil
	}
	for _, c := range conditions(obj) {
		switch {
		case c.Type == "Paused" && c.Status == "True":
			return suspended("Paused"), nil
		case c.Type == "Ready" && c.Status == "True":
			st = healthy("Running")
		case c.Type == "Ready" && truthy(status["created"]):
			st.Message = "Starting"
		case c.Type == "Ready":
			st = suspended("Stopped")
		}
	}
	if p, ok := status["printableStatus"]; ok && p != nil {
		st.Message = luaString(p)
	}
	return st, nil
}

// virtualMachineInstanceHealth: status.phase Failed is Degraded, Pending
// or Scheduling or Scheduled Progressing, Succeeded Suspended, Unknown
// Unknown (the phase as message); otherwise Ready True is Healthy
// (Running), Ready not True Degraded, Paused True Suspended, each with the
// condition's message. Follows resource_customizations/kubevirt.io/VirtualMachineInstance.
func virtualMachineInstanceHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("No status available")
	if _, ok := lookMap(obj.Object, "status"); !ok {
		return st, nil
	}
	if phase, ok := lookStr(obj.Object, "status", "phase"); ok {
		st.Message = phase
		switch phase {
		case "Failed":
			return degraded(phase), nil
		case "Pending", "Scheduling", "Scheduled":
			return st, nil
		case "Succeeded":
			return suspended(phase), nil
		case "Unknown":
			return statusOf(codeUnknown, phase), nil
		}
	}
	for _, c := range conditions(obj) {
		switch {
		case c.Type == "Ready" && c.Status == "True":
			st = healthy("Running")
		case c.Type == "Ready":
			st = degraded(c.Message)
		case c.Type == "Paused" && c.Status == "True":
			return suspended(c.Message), nil
		}
	}
	return st, nil
}
