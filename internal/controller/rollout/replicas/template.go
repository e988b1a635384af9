package replicas

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// AnnotationEphemeralMetadata is on a ReplicaSet whose pod template got
// canary or stable metadata (canaryMetadata, stableMetadata): the JSON of
// the labels and annotations added, so they can be told from the
// template's own.
const AnnotationEphemeralMetadata = "rollout.argoproj.io/ephemeral-metadata"

// TemplateEqual reports whether rs runs the Rollout's pod template, as
// Argo Rollouts' third FindNewReplicaSet rule and PodTemplateEqualIgnoreHash
// decide it. What the controller or the API server added to rs's template
// is set aside first: the rollouts-pod-template-hash label (on both sides),
// the canary/stable metadata recorded in AnnotationEphemeralMetadata, and
// the anti-affinity term injected against the previous revision. The
// Rollout's template then gets the API server's defaults (see
// defaultPodTemplate), the deprecated serviceAccount field is ignored, and
// the two are compared semantically (quantities by value, nil and empty
// alike).
func TemplateEqual(ro *v1alpha1.Rollout, rs *appsv1.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	live := rs.Spec.Template.DeepCopy()
	removeEphemeralMetadata(live, rs.Annotations[AnnotationEphemeralMetadata])
	live.Spec.Affinity = removeInjectedAntiAffinity(live.Spec.Affinity, ro)
	desired := ro.Spec.Template.DeepCopy()
	delete(live.Labels, v1alpha1.LabelPodTemplateHash)
	delete(desired.Labels, v1alpha1.LabelPodTemplateHash)
	defaultPodTemplate(desired)
	live.Spec.DeprecatedServiceAccount = ""
	desired.Spec.DeprecatedServiceAccount = ""
	return apiequality.Semantic.DeepEqual(live, desired)
}

// removeEphemeralMetadata deletes from template the label and annotation
// keys recorded in recorded (AnnotationEphemeralMetadata). A record that
// cannot be read removes nothing, as in Argo.
func removeEphemeralMetadata(template *corev1.PodTemplateSpec, recorded string) {
	if recorded == "" {
		return
	}
	var added v1alpha1.PodTemplateMetadata
	if err := json.Unmarshal([]byte(recorded), &added); err != nil {
		return
	}
	for k := range added.Labels {
		delete(template.Labels, k)
	}
	for k := range added.Annotations {
		delete(template.Annotations, k)
	}
}

// antiAffinityStrategy is the Rollout's antiAffinity, canary's over
// blue-green's, nil if it asks for nothing.
func antiAffinityStrategy(ro *v1alpha1.Rollout) *v1alpha1.AntiAffinity {
	var a *v1alpha1.AntiAffinity
	if bg := ro.Spec.Strategy.BlueGreen; bg != nil && bg.AntiAffinity != nil {
		a = bg.AntiAffinity
	}
	if c := ro.Spec.Strategy.Canary; c != nil && c.AntiAffinity != nil {
		a = c.AntiAffinity
	}
	if a == nil || (a.PreferredDuringSchedulingIgnoredDuringExecution == nil && a.RequiredDuringSchedulingIgnoredDuringExecution == nil) {
		return nil
	}
	return a
}

// removeInjectedAntiAffinity drops the first anti-affinity term that
// selects on rollouts-pod-template-hash, from the preferred or required
// list as the Rollout's antiAffinity says, and then whatever that left
// empty (Argo Rollouts' RemoveInjectedAntiAffinityRule).
func removeInjectedAntiAffinity(affinity *corev1.Affinity, ro *v1alpha1.Rollout) *corev1.Affinity {
	strategy := antiAffinityStrategy(ro)
	if strategy == nil || affinity == nil || affinity.PodAntiAffinity == nil {
		return affinity
	}
	a := affinity.DeepCopy()
	anti := a.PodAntiAffinity
	if strategy.PreferredDuringSchedulingIgnoredDuringExecution != nil {
		terms := anti.PreferredDuringSchedulingIgnoredDuringExecution
		i := injectedTerm(len(terms), func(i int) corev1.PodAffinityTerm { return terms[i].PodAffinityTerm })
		if i < 0 {
			return affinity
		}
		anti.PreferredDuringSchedulingIgnoredDuringExecution = append(terms[:i:i], terms[i+1:]...)
	} else {
		terms := anti.RequiredDuringSchedulingIgnoredDuringExecution
		i := injectedTerm(len(terms), func(i int) corev1.PodAffinityTerm { return terms[i] })
		if i < 0 {
			return affinity
		}
		anti.RequiredDuringSchedulingIgnoredDuringExecution = append(terms[:i:i], terms[i+1:]...)
	}
	if len(anti.RequiredDuringSchedulingIgnoredDuringExecution) == 0 {
		anti.RequiredDuringSchedulingIgnoredDuringExecution = nil
	}
	if anti.RequiredDuringSchedulingIgnoredDuringExecution == nil && anti.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		a.PodAntiAffinity = nil
	}
	if a.PodAntiAffinity == nil && a.PodAffinity == nil && a.NodeAffinity == nil {
		return nil
	}
	return a
}

// injectedTerm is the index of the first of n terms that selects on
// rollouts-pod-template-hash, -1 if none.
func injectedTerm(n int, term func(int) corev1.PodAffinityTerm) int {
	for i := range n {
		sel := term(i).LabelSelector
		if sel == nil {
			continue
		}
		for _, req := range sel.MatchExpressions {
			if req.Key == v1alpha1.LabelPodTemplateHash {
				return i
			}
		}
	}
	return -1
}
