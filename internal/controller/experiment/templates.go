package experiment

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// kind is the Experiment's GroupVersionKind, for owner references.
var kind = v1alpha1.SchemeGroupVersion.WithKind("Experiment")

// templateReplicaSets are the ReplicaSets the Experiment controls, by the
// template they are annotated with; two for one template is an error.
func (c *exContext) templateReplicaSets(ctx context.Context) (map[string]*appsv1.ReplicaSet, error) {
	var list appsv1.ReplicaSetList
	if err := c.r.Client.List(ctx, &list, client.InNamespace(c.ex.Namespace)); err != nil {
		return nil, fmt.Errorf("list replica sets: %w", err)
	}
	out := map[string]*appsv1.ReplicaSet{}
	for i := range list.Items {
		rs := &list.Items[i]
		name, ok := c.ownedBy(rs)
		if !ok {
			continue
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("multiple replica sets match experiment template %s", name)
		}
		out[name] = rs
	}
	return out, nil
}

// ReplicaSetName is the name Argo Rollouts gives the ReplicaSet of an
// experiment template: <experiment>-<template> (the pod-template hash is
// in its labels and selector, not its name).
func ReplicaSetName(experiment, template string) string {
	return experiment + "-" + template
}

// NewReplicaSet builds the ReplicaSet of an experiment template as Argo's
// newReplicaSetFromTemplate: the template's pods labelled with their
// rollouts-pod-template-hash (any copied hash label replaced), the hash
// added to the selector and the ReplicaSet's labels, the experiment and
// template names in annotations, and the Experiment as controller.
func NewReplicaSet(ex *v1alpha1.Experiment, t v1alpha1.TemplateSpec, collisionCount *int32, replicas int32) *appsv1.ReplicaSet {
	tmpl := *t.Template.DeepCopy()
	delete(tmpl.Labels, v1alpha1.LabelPodTemplateHash)
	podHash := hash.PodTemplateHash(&tmpl, collisionCount)
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[v1alpha1.LabelPodTemplateHash] = podHash
	sel := t.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[v1alpha1.LabelPodTemplateHash] = podHash
	labels := map[string]string{}
	for k, v := range tmpl.Labels {
		labels[k] = v
	}
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:            ReplicaSetName(ex.Name, t.Name),
			Namespace:       ex.Namespace,
			Labels:          labels,
			Annotations:     map[string]string{v1alpha1.AnnotationExperimentName: ex.Name, v1alpha1.AnnotationExperimentTemplateName: t.Name},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(ex, kind)},
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        &replicas,
			MinReadySeconds: t.MinReadySeconds,
			Selector:        sel,
			Template:        tmpl,
		},
	}
}

// reconcileTemplate brings one template's ReplicaSet and Service to what
// the experiment needs now and assesses the template's status (Argo's
// reconcileTemplate): created at its replicas, scaled to 0 once the
// template or the experiment is done (after scaleDownDelaySeconds), its
// Service made while it runs; Running once every pod is available,
// Successful after the duration or on termination, Failed when it was
// not available within progressDeadlineSeconds of its last change.
func (c *exContext) reconcileTemplate(ctx context.Context, t v1alpha1.TemplateSpec) error {
	ts := v1alpha1.TemplateStatus{Name: t.Name}
	if prev := templateStatus(c.ex.Status, t.Name); prev != nil {
		ts = *prev.DeepCopy()
	}
	prev := *ts.DeepCopy()
	desired := desiredReplicas(c.ex.Spec, c.ex.Status, t)
	now := metav1.NewTime(c.now)
	rs := c.rss[t.Name]
	if rs == nil {
		created, err := c.createReplicaSet(ctx, t, ts.CollisionCount, desired)
		if err != nil {
			ts.Status = v1alpha1.TemplateStatusError
			ts.Message = fmt.Sprintf("Failed to create ReplicaSet for template '%s': %v", t.Name, err)
		} else {
			rs = created
			c.rss[t.Name] = rs
			ts.LastTransitionTime = &now
		}
	} else {
		if err := c.reconcileService(ctx, t, &ts, rs, desired); err != nil {
			return err
		}
		if err := c.scaleTemplate(ctx, t, &ts, rs, desired); err != nil {
			return err
		}
	}
	if rs != nil {
		ts.Replicas, ts.UpdatedReplicas = rs.Status.Replicas, rs.Status.Replicas
		ts.ReadyReplicas, ts.AvailableReplicas = rs.Status.ReadyReplicas, rs.Status.AvailableReplicas
	} else {
		ts.Replicas, ts.UpdatedReplicas, ts.ReadyReplicas, ts.AvailableReplicas = 0, 0, 0, 0
	}
	if prev.Replicas != ts.Replicas || prev.UpdatedReplicas != ts.UpdatedReplicas ||
		prev.ReadyReplicas != ts.ReadyReplicas || prev.AvailableReplicas != ts.AvailableReplicas {
		ts.LastTransitionTime = &now
	}
	if !templateDone(ts.Status) {
		ts.Status, ts.Message = c.assessTemplate(t, ts, desired)
	}
	if prev.Status != ts.Status {
		msg := fmt.Sprintf("Template '%s' transitioned from %s -> %s", t.Name, prev.Status, ts.Status)
		if ts.Message != "" {
			msg += ": " + ts.Message
		}
		kind := corev1.EventTypeNormal
		if ts.Status == v1alpha1.TemplateStatusFailed || ts.Status == v1alpha1.TemplateStatusError {
			kind = corev1.EventTypeWarning
		}
		c.event(kind, "Template"+string(ts.Status), msg)
	}
	setTemplateStatus(c.status, ts)
	return nil
}

// assessTemplate is the status of a template not yet done: Running (or
// Successful when the duration passed or the experiment ends) with every
// pod available, else Failed past its progress deadline, Successful when
// terminating, Progressing otherwise.
func (c *exContext) assessTemplate(t v1alpha1.TemplateSpec, ts v1alpha1.TemplateStatus, desired int32) (v1alpha1.TemplateStatusCode, string) {
	if desired == ts.AvailableReplicas {
		if c.passedDuration() || c.terminating {
			return v1alpha1.TemplateStatusSuccessful, ts.Message
		}
		return v1alpha1.TemplateStatusRunning, ts.Message
	}
	from := c.now
	if ts.LastTransitionTime != nil {
		from = ts.LastTransitionTime.Time
	}
	deadline := progressDeadline(c.ex.Spec)
	switch {
	case c.now.After(from.Add(time.Duration(deadline) * time.Second)):
		return v1alpha1.TemplateStatusFailed, fmt.Sprintf("Template '%s' exceeded its progressDeadlineSeconds (%d)", t.Name, deadline)
	case c.terminating:
		return v1alpha1.TemplateStatusSuccessful, ts.Message
	}
	return v1alpha1.TemplateStatusProgressing, ts.Message
}

// createReplicaSet creates a template's ReplicaSet. One of that name the
// experiment already controls for the template (a stale cache) is taken
// as it; any other is an error.
func (c *exContext) createReplicaSet(ctx context.Context, t v1alpha1.TemplateSpec, collisionCount *int32, replicas int32) (*appsv1.ReplicaSet, error) {
	rs := NewReplicaSet(c.ex, t, collisionCount, replicas)
	err := c.r.Client.Create(ctx, rs)
	if apierrors.IsAlreadyExists(err) {
		existing := &appsv1.ReplicaSet{}
		if getErr := c.r.APIReader.Get(ctx, client.ObjectKeyFromObject(rs), existing); getErr != nil {
			return nil, fmt.Errorf("replica set %s: %w", rs.Name, getErr)
		}
		if name, ok := c.ownedBy(existing); ok && name == t.Name {
			return existing, nil
		}
		return nil, fmt.Errorf("replica set %s exists and is not the experiment's: %w", rs.Name, err)
	}
	if err != nil {
		c.event(corev1.EventTypeWarning, "ReplicaSetCreateError", fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err))
		return nil, err
	}
	if replicas > 0 {
		c.event(corev1.EventTypeNormal, "NewReplicaSetCreated", fmt.Sprintf("Created ReplicaSet %s with size %d", rs.Name, replicas))
	}
	return rs, nil
}

// scaleTemplate scales a template's ReplicaSet to desired. Scaling down
// waits for the scale-down deadline annotated on the ReplicaSet
// (scaleDownDelaySeconds after the template ended; none with a delay of 0).
func (c *exContext) scaleTemplate(ctx context.Context, t v1alpha1.TemplateSpec, ts *v1alpha1.TemplateStatus, rs *appsv1.ReplicaSet, desired int32) error {
	if desired == 0 {
		if err := c.setScaleDownDeadline(ctx, rs); err != nil {
			return err
		}
	}
	current := int32(0)
	if rs.Spec.Replicas != nil {
		current = *rs.Spec.Replicas
	}
	if current == desired {
		return nil
	}
	if desired == 0 {
		if deadline, ok := scaleDownDeadline(rs); ok && c.now.Before(deadline) {
			c.waitUntil(deadline)
			return nil
		}
	}
	patch := client.MergeFrom(rs.DeepCopy())
	rs.Spec.Replicas = &desired
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		if apierrors.IsConflict(err) {
			return err
		}
		ts.Status = v1alpha1.TemplateStatusError
		ts.Message = fmt.Sprintf("Unable to scale ReplicaSet for template '%s' to desired replica count '%d': %v", t.Name, desired, err)
		c.event(corev1.EventTypeWarning, "ReplicaSetUpdateError", fmt.Sprintf("Failed to scale %s: %v", rs.Name, err))
		return nil
	}
	direction := "up"
	if desired < current {
		direction = "down"
	}
	c.event(corev1.EventTypeNormal, "ScalingReplicaSet", fmt.Sprintf("Scaled %s ReplicaSet %s from %d to %d", direction, rs.Name, current, desired))
	now := metav1.NewTime(c.now)
	ts.LastTransitionTime = &now
	return nil
}

// setScaleDownDeadline annotates a ReplicaSet about to be scaled down with
// its deadline, now plus scaleDownDelaySeconds, unless it has one; a delay
// of 0 removes the annotation (Argo's addScaleDownDelay).
func (c *exContext) setScaleDownDeadline(ctx context.Context, rs *appsv1.ReplicaSet) error {
	delay := scaleDownDelay(c.ex.Spec)
	_, has := rs.Annotations[v1alpha1.AnnotationScaleDownDeadline]
	if (delay == 0 && !has) || (delay > 0 && has) {
		return nil
	}
	patch := client.MergeFrom(rs.DeepCopy())
	if delay == 0 {
		delete(rs.Annotations, v1alpha1.AnnotationScaleDownDeadline)
	} else {
		if rs.Annotations == nil {
			rs.Annotations = map[string]string{}
		}
		deadline := c.now.Add(time.Duration(delay) * time.Second).UTC()
		rs.Annotations[v1alpha1.AnnotationScaleDownDeadline] = deadline.Format(time.RFC3339)
	}
	if err := c.r.Client.Patch(ctx, rs, patch); err != nil {
		return fmt.Errorf("scale-down deadline of %s: %w", rs.Name, err)
	}
	return nil
}

// scaleDownDeadline reads a ReplicaSet's scale-down deadline annotation.
func scaleDownDeadline(rs *appsv1.ReplicaSet) (time.Time, bool) {
	v := rs.Annotations[v1alpha1.AnnotationScaleDownDeadline]
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}
