package sync

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// defines reports whether a CustomResourceDefinition of the plan serves gk.
func (p *Plan) defines(gk schema.GroupKind) bool {
	for _, g := range p.Groups {
		for _, t := range g {
			if t.Target != nil && crdKind(t.Target) == gk {
				return true
			}
		}
	}
	return false
}

// crdKind is the group and kind a CustomResourceDefinition serves.
func crdKind(o *unstructured.Unstructured) schema.GroupKind {
	if o.GetKind() != "CustomResourceDefinition" || o.GroupVersionKind().Group != "apiextensions.k8s.io" {
		return schema.GroupKind{}
	}
	group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
	return schema.GroupKind{Group: group, Kind: kind}
}

// Preflight checks, before a sync changes anything, that the cluster serves
// the kind of every object it will write: the kind is known (served
// reports that), or a CRD of the same sync defines it, or the object opts
// out with SkipDryRunOnMissingResource=true. It names every object that
// fails, so a missing CRD stops the sync before its first wave, as Argo
// CD's dry run does.
func (p *Plan) Preflight(served func(schema.GroupVersionKind) bool) error {
	var missing []string
	for _, g := range p.Groups {
		for _, t := range g {
			if t.Target == nil || t.Prune || t.Options.SkipDryRunOnMissingResource {
				continue
			}
			gvk := t.Target.GroupVersionKind()
			if p.defines(gvk.GroupKind()) || served(gvk) {
				continue
			}
			missing = append(missing, fmt.Sprintf("%s %s/%s (%s)", t.Target.GetKind(), t.Target.GetNamespace(), t.Target.GetName(), gvk.GroupVersion()))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("the cluster does not serve the kind of %s: is a CRD missing? (the sync option SkipDryRunOnMissingResource=true lets the sync start anyway)",
		strings.Join(missing, ", "))
}
