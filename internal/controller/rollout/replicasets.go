package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/replicas"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// defaultRevisionHistoryLimit is how many old ReplicaSets are kept when
// spec.revisionHistoryLimit is not set (Argo Rollouts' default, 10).
const defaultRevisionHistoryLimit = 10

// syncNewReplicaSet makes sure the ReplicaSet of the current pod template
// exists and carries the newest revision, creating it with no pods when
// it does not (Argo's getAllReplicaSetsAndSyncRevision). The Rollout's own
// rollout.argoproj.io/revision annotation follows.
func (c *rolloutContext) syncNewReplicaSet(ctx context.Context) error {
	old := replicas.FindOld(c.allRSs, c.newRS)
	revision := replicas.NextRevision(old)
	if c.newRS == nil {
		rs, err := c.createReplicaSet(ctx, revision)
		if err != nil {
			return err
		}
		c.newRS = rs
		c.allRSs = append(c.allRSs, rs)
	} else if cur, err := replicas.Revision(c.newRS); err != nil || cur < revision {
		patch := client.MergeFrom(c.newRS.DeepCopy())
		if replicas.SetRevision(c.newRS, revision) {
			if err := c.r.Client.Patch(ctx, c.newRS, patch); err != nil {
				return fmt.Errorf("revision of replica set %s: %w", c.newRS.Name, err)
			}
		}
	}
	rev, _ := replicas.Revision(c.newRS)
	return c.setRolloutRevision(ctx, rev)
}

// setRolloutRevision writes the current revision on the Rollout's
// rollout.argoproj.io/revision annotation, as Argo does.
func (c *rolloutContext) setRolloutRevision(ctx context.Context, revision int64) error {
	want := strconv.FormatInt(revision, 10)
	if c.ro.Annotations[replicas.AnnotationRevision] == want {
		return nil
	}
	live := &v1alpha1.Rollout{ObjectMeta: metav1.ObjectMeta{Namespace: c.ro.Namespace, Name: c.ro.Name}}
	body, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{replicas.AnnotationRevision: want}}})
	if err := c.r.Client.Patch(ctx, live, client.RawPatch("application/merge-patch+json", body)); err != nil {
		return fmt.Errorf("revision annotation: %w", err)
	}
	c.r.seen.Wrote(c.ro.UID, c.ro.ResourceVersion)
	c.ro.ResourceVersion = live.ResourceVersion
	if c.ro.Annotations == nil {
		c.ro.Annotations = map[string]string{}
	}
	c.ro.Annotations[replicas.AnnotationRevision] = want
	c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeNormal, "RolloutUpdated", "Update", "Rollout updated to revision %s", want)
	return nil
}

// revision is the Rollout's current revision number (its annotation).
func (c *rolloutContext) revision() int64 {
	n, _ := strconv.ParseInt(c.ro.Annotations[replicas.AnnotationRevision], 10, 64)
	return n
}

// createReplicaSet creates the ReplicaSet of the current pod template,
// named <rollout>-<hash>, with no pods. A name taken by a ReplicaSet of
// another template is a hash collision: status.collisionCount goes up and
// the pass is retried, as Kubernetes' and Argo's controllers do.
func (c *rolloutContext) createReplicaSet(ctx context.Context, revision int64) (*appsv1.ReplicaSet, error) {
	podHash := hash.PodTemplateHash(&c.ro.Spec.Template, c.ro.Status.CollisionCount)
	tmpl := c.ro.Spec.Template.DeepCopy()
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[v1alpha1.LabelPodTemplateHash] = podHash
	sel := c.ro.Spec.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[v1alpha1.LabelPodTemplateHash] = podHash
	rsLabels := map[string]string{}
	for k, v := range tmpl.Labels {
		rsLabels[k] = v
	}
	annotations := map[string]string{
		replicas.AnnotationRevision:        strconv.FormatInt(revision, 10),
		replicas.AnnotationDesiredReplicas: strconv.Itoa(int(replicas.Replicas(c.ro))),
	}
	if c.stableRS != nil {
		if md := c.canaryMetadata(); md != nil {
			addMetadata(tmpl, md)
			raw, _ := json.Marshal(md)
			annotations[replicas.AnnotationEphemeralMetadata] = string(raw)
		}
		injectAntiAffinity(c.ro, tmpl, c.stableRS)
	}
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:            c.ro.Name + "-" + podHash,
			Namespace:       c.ro.Namespace,
			Labels:          rsLabels,
			Annotations:     annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(c.ro, v1alpha1.SchemeGroupVersion.WithKind("Rollout"))},
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        new(int32),
			MinReadySeconds: c.ro.Spec.MinReadySeconds,
			Selector:        sel,
			Template:        *tmpl,
		},
	}
	err := c.r.Client.Create(ctx, rs)
	if apierrors.IsAlreadyExists(err) {
		var existing appsv1.ReplicaSet
		if gerr := c.r.Client.Get(ctx, client.ObjectKeyFromObject(rs), &existing); gerr == nil &&
			metav1.IsControlledBy(&existing, c.ro) && replicas.TemplateEqual(c.ro, &existing) {
			return &existing, nil
		}
		return nil, c.bumpCollisionCount(ctx, rs.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create replica set %s: %w", rs.Name, err)
	}
	c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeNormal, "NewReplicaSetCreated", "Create",
		"Created ReplicaSet %s (revision %d)", rs.Name, revision)
	return rs, nil
}

// bumpCollisionCount raises status.collisionCount after a name clash and
// returns an error so the pass is retried with the new hash.
func (c *rolloutContext) bumpCollisionCount(ctx context.Context, name string) error {
	live := c.ro.DeepCopy()
	n := int32(1)
	if live.Status.CollisionCount != nil {
		n = *live.Status.CollisionCount + 1
	}
	patch := client.MergeFrom(live.DeepCopy())
	live.Status.CollisionCount = &n
	if err := c.r.Client.Status().Patch(ctx, live, patch); err != nil {
		return fmt.Errorf("collision count: %w", err)
	}
	return fmt.Errorf("replica set %s exists with another template: collision count raised to %d", name, n)
}

// scaleReplicaSet sets rs's spec.replicas (and the desired-replicas
// annotation) and records Argo's ScalingReplicaSet Event. It reports
// whether anything changed.
func (c *rolloutContext) scaleReplicaSet(ctx context.Context, rs *appsv1.ReplicaSet, count int32, role string) (bool, error) {
	if rs == nil {
		return false, nil
	}
	from := int32(0)
	if rs.Spec.Replicas != nil {
		from = *rs.Spec.Replicas
	}
	desired := strconv.Itoa(int(replicas.Replicas(c.ro)))
	if from == count && rs.Annotations[replicas.AnnotationDesiredReplicas] == desired {
		return false, nil
	}
	patch := client.MergeFrom(rs.DeepCopy())
	rs.Spec.Replicas = &count
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[replicas.AnnotationDesiredReplicas] = desired
	if count > from || count == 0 {
		delete(rs.Annotations, v1alpha1.AnnotationScaleDownDeadline)
	}
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return false, fmt.Errorf("scale replica set %s to %d: %w", rs.Name, count, err)
	}
	if from != count {
		verb := "up"
		if count < from {
			verb = "down"
		}
		rev, _ := replicas.Revision(rs)
		c.r.Recorder.Eventf(c.ro, nil, corev1.EventTypeNormal, "ScalingReplicaSet", "Scale",
			"Scaled %s ReplicaSet %s (revision %d) from %d to %d", verb, rs.Name, rev, from, count)
	}
	return from != count, nil
}

// scaleDownDeadline is the time after which rs may be scaled down, from
// its argo-rollouts.argoproj.io/scale-down-deadline annotation.
func scaleDownDeadline(rs *appsv1.ReplicaSet) (time.Time, bool) {
	v, ok := rs.Annotations[v1alpha1.AnnotationScaleDownDeadline]
	if !ok || v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// addScaleDownDelay annotates rs with a scale-down deadline seconds from
// now, unless it has one, and asks for a pass when it ends.
func (c *rolloutContext) addScaleDownDelay(ctx context.Context, rs *appsv1.ReplicaSet, seconds int32) error {
	if t, ok := scaleDownDeadline(rs); ok {
		c.waitUntil(t)
		return nil
	}
	deadline := c.now.Add(time.Duration(seconds) * time.Second).UTC()
	patch := client.MergeFrom(rs.DeepCopy())
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[v1alpha1.AnnotationScaleDownDeadline] = deadline.Format(time.RFC3339)
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return fmt.Errorf("scale-down deadline of %s: %w", rs.Name, err)
	}
	c.waitUntil(deadline.Add(time.Second))
	return nil
}

// removeScaleDownDeadline drops a scale-down deadline from rs (it is the
// stable or the canary again).
func (c *rolloutContext) removeScaleDownDeadline(ctx context.Context, rs *appsv1.ReplicaSet) error {
	if rs == nil {
		return nil
	}
	if _, ok := rs.Annotations[v1alpha1.AnnotationScaleDownDeadline]; !ok {
		return nil
	}
	patch := client.MergeFrom(rs.DeepCopy())
	delete(rs.Annotations, v1alpha1.AnnotationScaleDownDeadline)
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return fmt.Errorf("scale-down deadline of %s: %w", rs.Name, err)
	}
	return nil
}

// deadlinePassed reports whether rs's scale-down deadline has passed; a
// deadline still ahead asks for a pass when it ends.
func (c *rolloutContext) deadlinePassed(rs *appsv1.ReplicaSet) bool {
	t, ok := scaleDownDeadline(rs)
	if !ok {
		return false
	}
	if c.now.Before(t) {
		c.waitUntil(t.Add(time.Second))
		return false
	}
	return true
}

// cleanupHistory deletes the oldest scaled-down ReplicaSets beyond
// spec.revisionHistoryLimit (Argo's reconcileRevisionHistoryLimit); the
// stable and current ones are never deleted.
func (c *rolloutContext) cleanupHistory(ctx context.Context) error {
	limit := int32(defaultRevisionHistoryLimit)
	if c.ro.Spec.RevisionHistoryLimit != nil {
		limit = *c.ro.Spec.RevisionHistoryLimit
	}
	var idle []*appsv1.ReplicaSet
	for _, rs := range c.otherRSs {
		if rs.Spec.Replicas != nil && *rs.Spec.Replicas == 0 && rs.Status.Replicas == 0 && rs.DeletionTimestamp == nil {
			idle = append(idle, rs)
		}
	}
	excess := len(idle) - int(limit)
	if excess <= 0 {
		return nil
	}
	sort.Slice(idle, func(i, j int) bool {
		a, _ := replicas.Revision(idle[i])
		b, _ := replicas.Revision(idle[j])
		return a < b
	})
	for _, rs := range idle[:excess] {
		if err := c.r.Client.Delete(ctx, rs); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete old replica set %s: %w", rs.Name, err)
		}
	}
	return nil
}

// canaryMetadata is the metadata the new revision's pods get while it is
// not stable: canaryMetadata for a canary, previewMetadata for blue-green.
func (c *rolloutContext) canaryMetadata() *v1alpha1.PodTemplateMetadata {
	if cs := c.ro.Spec.Strategy.Canary; cs != nil {
		return cs.CanaryMetadata
	}
	return c.ro.Spec.Strategy.BlueGreen.PreviewMetadata
}

// stableMetadata is the metadata pods of the stable revision get:
// stableMetadata for a canary, activeMetadata for blue-green.
func (c *rolloutContext) stableMetadata() *v1alpha1.PodTemplateMetadata {
	if cs := c.ro.Spec.Strategy.Canary; cs != nil {
		return cs.StableMetadata
	}
	return c.ro.Spec.Strategy.BlueGreen.ActiveMetadata
}

// addMetadata adds md's labels and annotations to a pod template.
func addMetadata(tmpl *corev1.PodTemplateSpec, md *v1alpha1.PodTemplateMetadata) {
	if len(md.Labels) > 0 && tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	for k, v := range md.Labels {
		tmpl.Labels[k] = v
	}
	if len(md.Annotations) > 0 && tmpl.Annotations == nil {
		tmpl.Annotations = map[string]string{}
	}
	for k, v := range md.Annotations {
		tmpl.Annotations[k] = v
	}
}

// injectAntiAffinity adds to a new revision's pod template the
// anti-affinity term the Rollout's antiAffinity asks for, against the
// pods of the stable revision (Argo's GenerateReplicaSetAffinity):
// topology kubernetes.io/hostname, required or preferred with its weight.
func injectAntiAffinity(ro *v1alpha1.Rollout, tmpl *corev1.PodTemplateSpec, stableRS *appsv1.ReplicaSet) {
	var a *v1alpha1.AntiAffinity
	if cs := ro.Spec.Strategy.Canary; cs != nil {
		a = cs.AntiAffinity
	} else if bg := ro.Spec.Strategy.BlueGreen; bg != nil {
		a = bg.AntiAffinity
	}
	stableHash := stableRS.Labels[v1alpha1.LabelPodTemplateHash]
	if a == nil || stableHash == "" || stableHash == tmpl.Labels[v1alpha1.LabelPodTemplateHash] {
		return
	}
	term := corev1.PodAffinityTerm{
		LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: v1alpha1.LabelPodTemplateHash, Operator: metav1.LabelSelectorOpIn, Values: []string{stableHash},
		}}},
		TopologyKey: corev1.LabelHostname,
	}
	if tmpl.Spec.Affinity == nil {
		tmpl.Spec.Affinity = &corev1.Affinity{}
	}
	if tmpl.Spec.Affinity.PodAntiAffinity == nil {
		tmpl.Spec.Affinity.PodAntiAffinity = &corev1.PodAntiAffinity{}
	}
	anti := tmpl.Spec.Affinity.PodAntiAffinity
	if p := a.PreferredDuringSchedulingIgnoredDuringExecution; p != nil {
		anti.PreferredDuringSchedulingIgnoredDuringExecution = append(anti.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.WeightedPodAffinityTerm{Weight: p.Weight, PodAffinityTerm: term})
	} else if a.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		anti.RequiredDuringSchedulingIgnoredDuringExecution = append(anti.RequiredDuringSchedulingIgnoredDuringExecution, term)
	}
}
