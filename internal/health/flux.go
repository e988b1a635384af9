package health

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Flux's toolkit kinds, as Argo CD assesses them
// (resource_customizations/*.toolkit.fluxcd.io). Each kind counts its
// conditions the same way with a few switches.
func init() {
	source := fluxRule{Suspendable: true, ProgressingReady: "Unknown", Succeeded: []string{"ArtifactInStorage"}, Outdated: true, HealthyAt: 2}
	helmRepository := source
	helmRepository.OCIHealthy = true
	register("source.toolkit.fluxcd.io", map[string]Check{
		"GitRepository":  source.check,
		"OCIRepository":  source.check,
		"Bucket":         source.check,
		"HelmChart":      source.check,
		"HelmRepository": helmRepository.check,
	})
	register("helm.toolkit.fluxcd.io", map[string]Check{
		"HelmRelease": fluxRule{Suspendable: true, ProgressingReady: "Unknown", Succeeded: []string{"Released", "TestSuccess"}, HealthyAt: 2}.check,
	})
	register("kustomize.toolkit.fluxcd.io", map[string]Check{
		"Kustomization": fluxRule{Suspendable: true, ProgressingReady: "Unknown", HealthyAt: 1}.check,
	})
	register("image.toolkit.fluxcd.io", map[string]Check{
		"ImagePolicy":           fluxRule{ProgressingReady: "False", ReconcilingReasons: []string{"NewGeneration", "AccessingRepository", "ApplyingPolicy"}, HealthyAt: 1}.check,
		"ImageRepository":       fluxRule{Suspendable: true, ProgressingReady: "False", ReconcilingReasons: []string{"NewGeneration", "Scanning"}, HealthyAt: 1}.check,
		"ImageUpdateAutomation": fluxRule{Suspendable: true, ProgressingReady: "Unknown", HealthyAt: 1}.check,
	})
	register("notification.toolkit.fluxcd.io", map[string]Check{
		"Receiver": fluxRule{ProgressingReady: "False", HealthyAt: 1, PendingIsDegraded: true}.check,
	})
}

// fluxRule counts a Flux object's conditions in order: a Ready condition
// with status ProgressingReady, and a Reconciling one that is True (with one
// of ReconcilingReasons, when set), count as in progress; Ready True and
// the Succeeded types that are True count as done. The message is the
// last Ready condition's reason (with Outdated, an ArtifactOutdated
// condition that is True appends " <reason>"). Two in progress: Progressing
// (Degraded with PendingIsDegraded); exactly HealthyAt done: Healthy;
// otherwise Degraded. Without conditions: Progressing "Status unknown".
type fluxRule struct {
	// Suspendable kinds are Suspended ("<Kind> is suspended") with spec.suspend.
	Suspendable bool
	// OCIHealthy: a HelmRepository of spec.type oci has no status to read.
	OCIHealthy         bool
	ProgressingReady   string
	ReconcilingReasons []string
	Succeeded          []string
	Outdated           bool
	HealthyAt          int
	PendingIsDegraded  bool
}

func (r fluxRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if s, _, _ := unstructured.NestedBool(obj.Object, "spec", "suspend"); s && r.Suspendable {
		return suspended(obj.GetKind() + " is suspended"), nil
	}
	if t, _, _ := unstructured.NestedString(obj.Object, "spec", "type"); t == "oci" && r.OCIHealthy {
		return healthy("Helm repositories of type 'oci' do not contain any information in the status."), nil
	}
	if _, ok := nestedList(obj.Object, "status", "conditions"); !ok {
		return progressing("Status unknown"), nil
	}
	pending, done, msg := 0, 0, ""
	for _, c := range conditions(obj) {
		switch {
		case c.Type == "Ready":
			if c.Status == "True" {
				done++
			} else if c.Status == r.ProgressingReady {
				pending++
			}
			msg = c.Reason
		case c.Type == "Reconciling" && c.Status == "True":
			if len(r.ReconcilingReasons) == 0 || slices.Contains(r.ReconcilingReasons, c.Reason) {
				pending++
			}
		case c.Type == "ArtifactOutdated" && c.Status == "True" && r.Outdated:
			msg += " " + c.Reason
		case c.Status == "True" && slices.Contains(r.Succeeded, c.Type):
			done++
		}
	}
	switch {
	case pending == 2 && r.PendingIsDegraded:
		return degraded(msg), nil
	case pending == 2:
		return progressing(msg), nil
	case done == r.HealthyAt:
		return healthy(msg), nil
	}
	return degraded(msg), nil
}
