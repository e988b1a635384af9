package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// snapshot.storage.k8s.io, as Argo CD assesses it (resource_customizations/snapshot.storage.k8s.io).
func init() {
	register("snapshot.storage.k8s.io", map[string]Check{
		"VolumeSnapshot":        volumeSnapshotHealth,
		"VolumeSnapshotContent": volumeSnapshotHealth,
	})
}

// volumeSnapshotHealth: status.readyToUse is Healthy, a status.error
// Degraded with its message, else Progressing. Follows
// resource_customizations/snapshot.storage.k8s.io/VolumeSnapshot and
// VolumeSnapshotContent.
func volumeSnapshotHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, _ := lookMap(obj.Object, "status")
	if truthy(status["readyToUse"]) {
		return healthy("Ready to use"), nil
	}
	if status["error"] != nil {
		msg, _ := lookStr(status, "error", "message")
		return degraded(msg), nil
	}
	return progressing("Waiting for status"), nil
}
