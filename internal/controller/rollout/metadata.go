package rollout

import (
	"context"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
)

// setEphemeralMetadata makes md the ephemeral metadata of rs: the keys
// recorded before are removed from its pod template and pods, md's are
// added, and md is recorded. Nothing is written when md is already the
// record.
func (c *rolloutContext) setEphemeralMetadata(ctx context.Context, rs *appsv1.ReplicaSet, md *v1alpha1.PodTemplateMetadata) error {
	want := ""
	if md != nil && (len(md.Labels) > 0 || len(md.Annotations) > 0) {
		raw, _ := json.Marshal(md)
		want = string(raw)
	}
	had := rs.Annotations[replicas.AnnotationEphemeralMetadata]
	if had == want {
		return nil
	}
	var old v1alpha1.PodTemplateMetadata
	if had != "" {
		_ = json.Unmarshal([]byte(had), &old)
	}
	patch := client.MergeFrom(rs.DeepCopy())
	swapMetadata(&rs.Spec.Template.ObjectMeta.Labels, old.Labels, mdLabels(md))
	swapMetadata(&rs.Spec.Template.ObjectMeta.Annotations, old.Annotations, mdAnnotations(md))
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	if want == "" {
		delete(rs.Annotations, replicas.AnnotationEphemeralMetadata)
	} else {
		rs.Annotations[replicas.AnnotationEphemeralMetadata] = want
	}
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return fmt.Errorf("ephemeral metadata of %s: %w", rs.Name, err)
	}
	var pods corev1.PodList
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelPodTemplateHash: hashOf(rs)})
	if err := c.r.APIReader.List(ctx, &pods, client.InNamespace(rs.Namespace), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return fmt.Errorf("pods of %s: %w", rs.Name, err)
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		pp := client.MergeFrom(p.DeepCopy())
		swapMetadata(&p.Labels, old.Labels, mdLabels(md))
		swapMetadata(&p.Annotations, old.Annotations, mdAnnotations(md))
		if err := c.r.Client.Patch(ctx, p, pp); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("ephemeral metadata of pod %s: %w", p.Name, err)
		}
	}
	return nil
}

// swapMetadata removes the keys of old from *m and adds those of add.
func swapMetadata(m *map[string]string, old, add map[string]string) {
	for k := range old {
		delete(*m, k)
	}
	if len(add) > 0 && *m == nil {
		*m = map[string]string{}
	}
	for k, v := range add {
		(*m)[k] = v
	}
}

// mdLabels is md's labels, nil for nil.
func mdLabels(md *v1alpha1.PodTemplateMetadata) map[string]string {
	if md == nil {
		return nil
	}
	return md.Labels
}

// mdAnnotations is md's annotations, nil for nil.
func mdAnnotations(md *v1alpha1.PodTemplateMetadata) map[string]string {
	if md == nil {
		return nil
	}
	return md.Annotations
}
