package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func daemonSetHealth(obj *unstructured.Unstructured) (*Status, error) {
	var d appsv1.DaemonSet
	if err := convert(obj, &d); err != nil {
		return nil, err
	}
	if d.Generation > d.Status.ObservedGeneration {
		return progressing("Waiting for rollout to finish: observed daemon set generation less than desired generation"), nil
	}
	if d.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return healthy(fmt.Sprintf("daemon set %d out of %d new pods have been updated", d.Status.UpdatedNumberScheduled, d.Status.DesiredNumberScheduled)), nil
	}
	s := d.Status
	if s.UpdatedNumberScheduled < s.DesiredNumberScheduled {
		return progressing(fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...", d.Name, s.UpdatedNumberScheduled, s.DesiredNumberScheduled)), nil
	}
	if s.NumberAvailable < s.DesiredNumberScheduled {
		return progressing(fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...", d.Name, s.NumberAvailable, s.DesiredNumberScheduled)), nil
	}
	return healthy(""), nil
}
