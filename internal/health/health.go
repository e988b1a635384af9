// Package health tells the health of Kubernetes objects as Argo CD does:
// one file per kind, a generic fallback on standard conditions, and
// aggregation in Argo CD's order (worst wins).
package health

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Status is an object's health and why.
type Status struct {
	Code    v1alpha1.HealthStatusCode
	Message string
}

// Check returns the health of a live object, or nil for a kind without a
// health check (it then does not count in the application's health).
type Check func(obj *unstructured.Unstructured) (*Status, error)

// checks are the built-in health checks by group and kind.
var checks = map[schema.GroupKind]Check{
	{Group: "apps", Kind: "Deployment"}:                               deploymentHealth,
	{Group: "apps", Kind: "StatefulSet"}:                              statefulSetHealth,
	{Group: "apps", Kind: "DaemonSet"}:                                daemonSetHealth,
	{Group: "apps", Kind: "ReplicaSet"}:                               replicaSetHealth,
	{Kind: "Pod"}:                                                     podHealth,
	{Group: "batch", Kind: "Job"}:                                     jobHealth,
	{Group: "batch", Kind: "CronJob"}:                                 cronJobHealth,
	{Kind: "Service"}:                                                 serviceHealth,
	{Group: "networking.k8s.io", Kind: "Ingress"}:                     ingressHealth,
	{Kind: "PersistentVolumeClaim"}:                                   pvcHealth,
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:           hpaHealth,
	{Group: "apiregistration.k8s.io", Kind: "APIService"}:             apiServiceHealth,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: crdHealth,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                    pdbHealth,
	{Group: v1alpha1.Group, Kind: "Application"}:                      applicationHealth,
}

// Overrides are health checks that replace the built-in ones for a kind,
// such as Lua customizations from argocd-cm.
type Overrides map[schema.GroupKind]Check

// Of returns the health of a live object: a deleting object is Progressing,
// an override or built-in check decides, else the generic check on
// standard conditions; nil means the kind has no health.
func Of(obj *unstructured.Unstructured, overrides Overrides) (*Status, error) {
	if obj == nil {
		return &Status{Code: v1alpha1.HealthStatusMissing}, nil
	}
	if obj.GetDeletionTimestamp() != nil && !isHook(obj) {
		return &Status{Code: v1alpha1.HealthStatusProgressing, Message: "Pending deletion"}, nil
	}
	gk := obj.GroupVersionKind().GroupKind()
	check, ok := overrides[gk]
	if !ok {
		check, ok = checks[gk]
	}
	if !ok {
		check, ok = wildcardCheck(gk)
	}
	if !ok {
		check = genericHealth
	}
	st, err := safeCheck(check, obj)
	if err != nil {
		return &Status{Code: v1alpha1.HealthStatusUnknown, Message: err.Error()}, err
	}
	return st, nil
}

// safeCheck runs a check and turns a panic on an object of an unexpected
// shape into an error, so one malformed status never stops a controller.
func safeCheck(check Check, obj *unstructured.Unstructured) (st *Status, err error) {
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, fmt.Errorf("health check of %s %s failed: %v", obj.GetKind(), obj.GetName(), r)
		}
	}()
	return check(obj)
}

// isHook reports a sync hook, whose health is read while it is deleted (a
// hook Job deleted on success still counts as what it did), as
// gitops-engine's health exempts hooks: Argo CD's hook annotation unless
// it names only Skip, or Helm's except crd-install.
func isHook(obj *unstructured.Unstructured) bool {
	ann := obj.GetAnnotations()
	if v, ok := ann["argocd.argoproj.io/hook"]; ok {
		return strings.TrimSpace(v) != "Skip"
	}
	v, ok := ann["helm.sh/hook"]
	return ok && v != "crd-install"
}

// order is Argo CD's health order, best first: the aggregate is the worst.
var order = map[v1alpha1.HealthStatusCode]int{
	v1alpha1.HealthStatusHealthy:     0,
	v1alpha1.HealthStatusSuspended:   1,
	v1alpha1.HealthStatusProgressing: 2,
	v1alpha1.HealthStatusMissing:     3,
	v1alpha1.HealthStatusDegraded:    4,
	v1alpha1.HealthStatusUnknown:     5,
}

// IsWorse reports whether b is worse than a.
func IsWorse(a, b v1alpha1.HealthStatusCode) bool { return order[b] > order[a] }

// Aggregate is the worst of the statuses (nil ones skipped); Healthy when none.
func Aggregate(statuses ...*Status) v1alpha1.HealthStatusCode {
	worst := v1alpha1.HealthStatusHealthy
	for _, s := range statuses {
		if s != nil && IsWorse(worst, s.Code) {
			worst = s.Code
		}
	}
	return worst
}

// convert turns a live object into its typed form.
func convert(obj *unstructured.Unstructured, into any) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, into); err != nil {
		return fmt.Errorf("%s %s: a field does not have the type %s gives it: %w", obj.GetKind(), obj.GetName(), obj.GetAPIVersion(), err)
	}
	return nil
}

func healthy(msg string) *Status { return &Status{Code: v1alpha1.HealthStatusHealthy, Message: msg} }
func progressing(msg string) *Status {
	return &Status{Code: v1alpha1.HealthStatusProgressing, Message: msg}
}
func degraded(msg string) *Status { return &Status{Code: v1alpha1.HealthStatusDegraded, Message: msg} }
func suspended(msg string) *Status {
	return &Status{Code: v1alpha1.HealthStatusSuspended, Message: msg}
}
