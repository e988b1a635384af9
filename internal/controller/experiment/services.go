package experiment

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// templateServices are the Services the Experiment controls, by the
// template they are annotated with.
func (c *exContext) templateServices(ctx context.Context) (map[string]*corev1.Service, error) {
	var list corev1.ServiceList
	if err := c.r.Client.List(ctx, &list, client.InNamespace(c.ex.Namespace)); err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	out := map[string]*corev1.Service{}
	for i := range list.Items {
		svc := &list.Items[i]
		name, ok := c.ownedBy(svc)
		if !ok {
			continue
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("multiple services match experiment template %s", name)
		}
		out[name] = svc
	}
	return out, nil
}

// reconcileService keeps the Service of a template with a service field
// (Argo's createTemplateService and deleteTemplateService): made while the
// template runs, named service.name or after the ReplicaSet, selecting its
// pods by their labels, one port per container port; deleted once the
// template is scaled down and has no available pod. A template with pods
// that expose no port gets no Service, as in Argo.
func (c *exContext) reconcileService(ctx context.Context, t v1alpha1.TemplateSpec, ts *v1alpha1.TemplateStatus, rs *appsv1.ReplicaSet, desired int32) error {
	svc := c.services[t.Name]
	if t.Service == nil || desired == 0 {
		if svc == nil || (t.Service != nil && rs.Status.AvailableReplicas > 0) {
			return nil
		}
		if err := c.r.Client.Delete(ctx, svc); client.IgnoreNotFound(err) != nil {
			ts.Status = v1alpha1.TemplateStatusError
			ts.Message = fmt.Sprintf("Failed to delete Service for template '%s': %v", t.Name, err)
			return nil
		}
		delete(c.services, t.Name)
		ts.ServiceName, ts.PodTemplateHash = "", ""
		return nil
	}
	if svc != nil {
		ts.ServiceName, ts.PodTemplateHash = svc.Name, rs.Labels[v1alpha1.LabelPodTemplateHash]
		return nil
	}
	ports := servicePorts(rs)
	if len(ports) == 0 {
		return nil
	}
	name := rs.Name
	if t.Service.Name != "" {
		name = t.Service.Name
	}
	svc = &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            name,
			Namespace:       c.ex.Namespace,
			Annotations:     map[string]string{v1alpha1.AnnotationExperimentName: c.ex.Name, v1alpha1.AnnotationExperimentTemplateName: t.Name},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(c.ex, kind)},
		},
		Spec: corev1.ServiceSpec{Selector: rs.Labels, Ports: ports},
	}
	if err := c.r.Client.Create(ctx, svc); err != nil && !apierrors.IsAlreadyExists(err) {
		ts.Status = v1alpha1.TemplateStatusError
		ts.Message = fmt.Sprintf("Failed to create Service %s for template '%s': %v", name, t.Name, err)
		return nil
	}
	c.services[t.Name] = svc
	ts.ServiceName, ts.PodTemplateHash = svc.Name, rs.Labels[v1alpha1.LabelPodTemplateHash]
	return nil
}

// servicePorts is one Service port per container port of rs's pods.
func servicePorts(rs *appsv1.ReplicaSet) []corev1.ServicePort {
	var ports []corev1.ServicePort
	for _, ctr := range rs.Spec.Template.Spec.Containers {
		for _, p := range ctr.Ports {
			ports = append(ports, corev1.ServicePort{Name: p.Name, Protocol: p.Protocol, Port: p.ContainerPort,
				TargetPort: intstr.FromInt32(p.ContainerPort)})
		}
	}
	return ports
}
