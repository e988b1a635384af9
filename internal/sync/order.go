package sync

import (
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Annotations that place an object in a sync.
const (
	AnnotationSyncWave = "argocd.argoproj.io/sync-wave"
)

// kindOrder is Argo CD's apply order of kinds within a phase and wave;
// kinds not listed come after all listed ones.
var kindOrder = func() map[string]int {
	kinds := []string{
		"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
		"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
		"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
		"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
		"RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
		"ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
		"IngressClass", "Ingress", "APIService",
	}
	m := make(map[string]int, len(kinds))
	for i, k := range kinds {
		m[k] = i - len(kinds)
	}
	return m
}()

var phaseOrder = map[v1alpha1.SyncPhase]int{
	v1alpha1.SyncPhasePreSync: 0, v1alpha1.SyncPhaseSync: 1, v1alpha1.SyncPhasePostSync: 2, v1alpha1.SyncPhaseSyncFail: 3,
}

// Wave is an object's sync wave: its sync-wave annotation, else its Helm
// hook weight (helm.sh/hook-weight, on a hook or not, as Argo CD reads it),
// else 0.
func Wave(obj *unstructured.Unstructured) int {
	ann := obj.GetAnnotations()
	for _, key := range []string{AnnotationSyncWave, helmHookWeight} {
		if w, err := strconv.Atoi(strings.TrimSpace(ann[key])); err == nil {
			return w
		}
	}
	return 0
}

// Order sorts objects in the order a sync applies them: by phase (PreSync,
// Sync, PostSync, SyncFail, then hooks that never run), wave, kind order,
// namespace and name.
func Order(objs []*unstructured.Unstructured) {
	key := func(o *unstructured.Unstructured) (int, int, int) {
		p, ok := Phase(o)
		po := len(phaseOrder)
		if ok {
			po = phaseOrder[p]
		}
		return po, Wave(o), kindOrder[o.GetKind()]
	}
	sort.SliceStable(objs, func(i, j int) bool {
		pi, wi, ki := key(objs[i])
		pj, wj, kj := key(objs[j])
		switch {
		case pi != pj:
			return pi < pj
		case wi != wj:
			return wi < wj
		case ki != kj:
			return ki < kj
		case objs[i].GetNamespace() != objs[j].GetNamespace():
			return objs[i].GetNamespace() < objs[j].GetNamespace()
		}
		return objs[i].GetName() < objs[j].GetName()
	})
}
