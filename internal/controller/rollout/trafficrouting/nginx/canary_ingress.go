package nginx

import (
	"fmt"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// DefaultAnnotationPrefix is the ingress-nginx annotation prefix used
// when annotationPrefix is not set.
const DefaultAnnotationPrefix = "nginx.ingress.kubernetes.io"

// ingressClassAnnotation is the one stable Ingress annotation the canary
// copies: ingress-nginx only pairs Ingresses of the same class.
const ingressClassAnnotation = "kubernetes.io/ingress.class"

// maxNameLength is the longest object name Kubernetes accepts.
const maxNameLength = 253

// CanaryIngressName is the name of the canary Ingress generated for a
// stable Ingress: `<rollout>-<stable>-canary`, the prefix cut so that the
// whole fits in 253 characters, as Argo names it.
func CanaryIngressName(rollout, stableIngress string) string {
	const suffix = "-canary"
	prefix := rollout + "-" + stableIngress
	if len(prefix) > maxNameLength-len(suffix) {
		prefix = prefix[:maxNameLength-len(suffix)]
	}
	return prefix + suffix
}

// canaryIngress builds the canary Ingress for one stable Ingress at a weight.
func (r *Reconciler) canaryIngress(stable *unstructured.Unstructured, name string, weight int32) (*unstructured.Unstructured, error) {
	var ing networkingv1.Ingress
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(stable.Object, &ing); err != nil {
		return nil, fmt.Errorf("ingress %q: %w", stable.GetName(), err)
	}
	stableSvc, canarySvc := trafficrouting.Services(r.rollout)
	spec := networkingv1.IngressSpec{
		IngressClassName: ing.Spec.IngressClassName,
		TLS:              ing.Spec.TLS,
	}
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		reachesStable := false
		for i := range rule.HTTP.Paths {
			svc := rule.HTTP.Paths[i].Backend.Service
			if svc != nil && svc.Name == stableSvc {
				svc.Name = canarySvc
				reachesStable = true
			}
		}
		if reachesStable {
			spec.Rules = append(spec.Rules, rule)
		}
	}
	if len(spec.Rules) == 0 {
		return nil, fmt.Errorf("ingress %q: no rule has stable service %q as backend", stable.GetName(), stableSvc)
	}
	specMap, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&spec)
	if err != nil {
		return nil, fmt.Errorf("canary ingress %q: %w", name, err)
	}

	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.k8s.io/v1",
		"kind":       "Ingress",
		"spec":       specMap,
	}}
	obj.SetName(name)
	obj.SetNamespace(r.rollout.Namespace)
	obj.SetAnnotations(r.annotations(ing.Annotations, weight))
	obj.SetOwnerReferences([]metav1.OwnerReference{trafficrouting.OwnerReference(r.rollout)})
	return obj, nil
}

// annotations are the canary Ingress's annotations: the stable Ingress's
// class, additionalIngressAnnotations under the prefix,
// canaryIngressAnnotations as they are (winning a collision), then the
// canary and weight annotations, which always win.
func (r *Reconciler) annotations(stable map[string]string, weight int32) map[string]string {
	prefix := annotationPrefix(r.rollout)
	out := map[string]string{}
	if class, ok := stable[ingressClassAnnotation]; ok {
		out[ingressClassAnnotation] = class
	}
	for k, v := range r.config.AdditionalIngressAnnotations {
		if !strings.HasPrefix(k, prefix) {
			k = prefix + "/" + k
		}
		out[k] = v
	}
	for k, v := range r.config.CanaryIngressAnnotations {
		out[k] = v
	}
	out[prefix+"/canary"] = "true"
	out[prefix+"/canary-weight"] = strconv.Itoa(int(weight))
	if tr := r.rollout.Spec.Strategy.Canary.TrafficRouting; tr.MaxTrafficWeight != nil {
		out[prefix+"/canary-weight-total"] = strconv.Itoa(int(*tr.MaxTrafficWeight))
	}
	return out
}

func annotationPrefix(ro *v1alpha1.Rollout) string {
	if p := ro.Spec.Strategy.Canary.TrafficRouting.Nginx.AnnotationPrefix; p != "" {
		return p
	}
	return DefaultAnnotationPrefix
}
