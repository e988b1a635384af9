package health

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// ceph.rook.io, as Argo CD assesses it (resource_customizations/ceph.rook.io).
func init() {
	register("ceph.rook.io", map[string]Check{
		"CephCluster":     cephClusterHealth,
		"CephObjectStore": cephObjectStoreHealth,
	})
}

// cephClusterHealth: status.ceph.health HEALTH_OK is Healthy, HEALTH_WARN
// and HEALTH_ERR Degraded (with the details' messages sorted by check);
// a healthy cluster is then judged by status.state (Created or Connected
// Healthy, Error Degraded, any other Progressing). The message joins the
// parts and status.message with " - ". Follows
// resource_customizations/ceph.rook.io/CephCluster.
func cephClusterHealth(obj *unstructured.Unstructured) (*Status, error) {
	st, ok := obj.Object["status"].(map[string]any)
	if !ok {
		return progressing("Waiting for status to be reported"), nil
	}
	code := v1alpha1.HealthStatusProgressing
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if h := valueAt(st, "ceph", "health"); h != nil {
		switch h {
		case "HEALTH_ERR", "HEALTH_WARN":
			code = v1alpha1.HealthStatusDegraded
		case "HEALTH_OK":
			code = v1alpha1.HealthStatusHealthy
		}
		add("Ceph health is " + valueText(h) + cephDetails(valueAt(st, "ceph", "details")))
	}
	if state := st["state"]; state != nil && code == v1alpha1.HealthStatusHealthy {
		add("Ceph cluster state is " + valueText(state))
		switch state {
		case "Created", "Connected":
		case "Error":
			code = v1alpha1.HealthStatusDegraded
		default:
			code = v1alpha1.HealthStatusProgressing
		}
	}
	if m := st["message"]; m != nil {
		add(valueText(m))
	}
	return &Status{Code: code, Message: strings.Join(parts, " - ")}, nil
}

// cephDetails is " (msg; msg)" over the health details' messages in the
// order of their check names, or "" without any.
func cephDetails(v any) string {
	details, _ := v.(map[string]any)
	names := make([]string, 0, len(details))
	for n := range details {
		names = append(names, n)
	}
	sort.Strings(names)
	var msgs []string
	for _, n := range names {
		if m := valueAt(details, n, "message"); m != nil {
			msgs = append(msgs, valueText(m))
		}
	}
	if len(msgs) == 0 {
		return ""
	}
	return " (" + strings.Join(msgs, "; ") + ")"
}

// cephObjectStoreHealth: status.phase Ready is Healthy, Failure Degraded,
// any other Progressing, with the phase and the endpoint (status.info)
// in the message. Follows resource_customizations/ceph.rook.io/CephObjectStore.
func cephObjectStoreHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := &Status{Code: v1alpha1.HealthStatusProgressing, Message: "Waiting for status to be reported"}
	if obj.Object["status"] == nil {
		return st, nil
	}
	if phase := valueAt(obj.Object, "status", "phase"); phase != nil {
		st.Message = "Ceph object store phase is " + valueText(phase)
		switch phase {
		case "Ready":
			st.Code = v1alpha1.HealthStatusHealthy
		case "Failure":
			st.Code = v1alpha1.HealthStatusDegraded
		}
	}
	if ep := valueAt(obj.Object, "status", "info", "endpoint"); ep != nil && ep != "" {
		st.Message += " - endpoint: " + valueText(ep)
	}
	return st, nil
}
