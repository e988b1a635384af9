package application

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/diff"
	"github.com/tiphys/tiphys/internal/object"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// ConditionReplicasConflictWarning says an app sets the replicas of a
// workload that one of its HorizontalPodAutoscalers scales: each sync
// resets what the autoscaler chose.
const ConditionReplicasConflictWarning v1alpha1.ApplicationConditionType = "ReplicasConflictWarning"

// replicasConflicts sets a ReplicasConflictWarning for each of the app's
// HorizontalPodAutoscalers that scales a workload whose replicas the app
// sets and syncs.
func (s *state) replicasConflicts() {
	respect := tsync.ParseOptions(syncPolicyOptions(s.app)).RespectIgnoreDifferences
	for _, msg := range replicasConflicts(s.targets, s.ignore, respect) {
		s.condition(ConditionReplicasConflictWarning, msg)
	}
}

// replicasConflicts describes the conflicts among desired objects: an HPA
// whose scaleTargetRef names another desired object that sets
// spec.replicas, unless the ignore rules leave /spec/replicas out and the
// sync respects them (RespectIgnoreDifferences=true). An object without
// spec.replicas leaves them to the autoscaler and is no conflict.
func replicasConflicts(targets []*unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences, respect bool) []string {
	byID := map[object.ID]*unstructured.Unstructured{}
	for _, t := range targets {
		byID[object.IDOf(t)] = t
	}
	var out []string
	for _, hpa := range targets {
		if hpa.GroupVersionKind().Group != "autoscaling" || hpa.GetKind() != "HorizontalPodAutoscaler" {
			continue
		}
		ref, _, _ := unstructured.NestedStringMap(hpa.Object, "spec", "scaleTargetRef")
		gv, err := schema.ParseGroupVersion(ref["apiVersion"])
		if err != nil || ref["kind"] == "" || ref["name"] == "" {
			continue
		}
		id := object.ID{Group: gv.Group, Kind: ref["kind"], Namespace: hpa.GetNamespace(), Name: ref["name"]}
		target := byID[id]
		if target == nil {
			continue
		}
		if _, set, _ := unstructured.NestedFieldNoCopy(target.Object, "spec", "replicas"); !set {
			continue
		}
		what := fmt.Sprintf("HorizontalPodAutoscaler %s/%s scales %s %s/%s, whose spec.replicas the application also sets",
			hpa.GetNamespace(), hpa.GetName(), id.Kind, id.Namespace, id.Name)
		switch {
		case !replicasIgnored(target, ignore):
			out = append(out, what+fmt.Sprintf(": each sync resets the replicas the autoscaler chose. "+
				"Ignore /spec/replicas of %s %s (spec.ignoreDifferences jsonPointers: [/spec/replicas]) "+
				"and add the sync option RespectIgnoreDifferences=true, or remove replicas from the manifest.", id.Kind, id.Name))
		case !respect:
			out = append(out, what+": /spec/replicas is ignored in the comparison but a sync still writes it. "+
				"Add the sync option RespectIgnoreDifferences=true, or remove replicas from the manifest.")
		}
	}
	sort.Strings(out)
	return out
}

// replicasIgnored reports whether an ignore rule for obj leaves out
// /spec/replicas, itself or a field above it.
func replicasIgnored(obj *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences) bool {
	for _, rule := range ignore {
		if !diff.Matches(rule, obj) {
			continue
		}
		for _, p := range rule.JSONPointers {
			if p = strings.TrimSuffix(strings.TrimSpace(p), "/"); p == "/spec/replicas" || p == "/spec" || p == "" {
				return true
			}
		}
		for _, e := range rule.JQPathExpressions {
			if e = strings.Join(strings.Fields(e), ""); e == ".spec.replicas" || e == ".spec" || e == "." {
				return true
			}
		}
	}
	return false
}
