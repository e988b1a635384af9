package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func deploymentHealth(obj *unstructured.Unstructured) (*Status, error) {
	var d appsv1.Deployment
	if err := convert(obj, &d); err != nil {
		return nil, err
	}
	if d.Spec.Paused {
		return suspended("Deployment is paused"), nil
	}
	if d.Generation > d.Status.ObservedGeneration {
		return progressing("Waiting for rollout to finish: observed deployment generation less than desired generation"), nil
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			return degraded(fmt.Sprintf("Deployment %q exceeded its progress deadline", d.Name)), nil
		}
	}
	s := d.Status
	switch {
	// Without spec.replicas (never so on a live object, the API server
	// defaults it) the count is not checked, as in gitops-engine.
	case d.Spec.Replicas != nil && s.UpdatedReplicas < *d.Spec.Replicas:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d out of %d new replicas have been updated...", s.UpdatedReplicas, *d.Spec.Replicas)), nil
	case s.Replicas > s.UpdatedReplicas:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d old replicas are pending termination...", s.Replicas-s.UpdatedReplicas)), nil
	case s.AvailableReplicas < s.UpdatedReplicas:
		return progressing(fmt.Sprintf("Waiting for rollout to finish: %d of %d updated replicas are available...", s.AvailableReplicas, s.UpdatedReplicas)), nil
	}
	return healthy(""), nil
}
