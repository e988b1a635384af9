package istio

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// PodTemplateHashLabel is the label a subset selects a revision by.
const PodTemplateHashLabel = "rollouts-pod-template-hash"

// UpdateHash points the DestinationRule's canary and stable subsets at the
// given pod-template hashes (an empty hash removes the label), the subsets
// named after experiment Services at theirs (added when missing), and
// marks the DestinationRule managed by the Rollout, as Argo does. Unlike
// Argo, which drops every other subset, other subsets are kept. Without a
// destinationRule (host-level splitting) it does nothing. Argo also delays
// the switch while a ReplicaSet is not fully available; that decision is
// the controller's, which calls UpdateHash when it is time.
func (r *Reconciler) UpdateHash(ctx context.Context, canaryHash, stableHash string, additional ...trafficrouting.WeightDestination) error {
	spec := r.config.DestinationRule
	if spec == nil {
		return nil
	}
	dr, err := r.client.Get(ctx, r.DestinationRuleGVR(), r.rollout.Namespace, spec.Name)
	if err != nil {
		return fmt.Errorf("destinationrule %q: %w", spec.Name, err)
	}
	updated := dr.DeepCopy()
	subsets, _, err := unstructured.NestedSlice(updated.Object, "spec", "subsets")
	if err != nil {
		return fmt.Errorf("destinationrule %q: %w", spec.Name, err)
	}
	hashes := map[string]string{spec.CanarySubsetName: canaryHash, spec.StableSubsetName: stableHash}
	for _, d := range additional {
		hashes[d.ServiceName] = d.PodTemplateHash
	}
	seen := map[string]bool{}
	for _, s := range subsets {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		hash, ours := hashes[name]
		if !ours {
			continue
		}
		seen[name] = true
		labels, _ := m["labels"].(map[string]any)
		if labels == nil {
			labels = map[string]any{}
		}
		if hash == "" {
			delete(labels, PodTemplateHashLabel)
		} else {
			labels[PodTemplateHashLabel] = hash
		}
		m["labels"] = labels
	}
	for _, name := range []string{spec.CanarySubsetName, spec.StableSubsetName} {
		if !seen[name] {
			return fmt.Errorf("destinationrule %q: subset %q not found", spec.Name, name)
		}
	}
	for _, d := range additional {
		if !seen[d.ServiceName] && d.PodTemplateHash != "" {
			subsets = append(subsets, map[string]any{
				"name":   d.ServiceName,
				"labels": map[string]any{PodTemplateHashLabel: d.PodTemplateHash},
			})
		}
	}
	if err := unstructured.SetNestedSlice(updated.Object, subsets, "spec", "subsets"); err != nil {
		return fmt.Errorf("destinationrule %q: %w", spec.Name, err)
	}
	ann := updated.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[trafficrouting.ManagedByAnnotation] = r.rollout.Name
	updated.SetAnnotations(ann)
	if equalSpec(dr, updated) && dr.GetAnnotations()[trafficrouting.ManagedByAnnotation] == r.rollout.Name {
		return nil
	}
	if _, err := r.client.Update(ctx, r.DestinationRuleGVR(), updated); err != nil {
		return fmt.Errorf("update destinationrule %q: %w", spec.Name, err)
	}
	return nil
}
