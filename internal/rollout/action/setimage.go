package action

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// SetImage sets image on the containers named container (* for every one:
// init, regular and ephemeral) of the Rollout key's pod template, or of
// the Deployment its spec.workloadRef names, as `kubectl argo rollouts set
// image`. It returns the kind (lowercase) and name of what it updated;
// errors name the object (not found, no such container, the update
// refused).
func SetImage(ctx context.Context, c client.Client, key client.ObjectKey, container, image string) (string, string, error) {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind("Rollout"))
	if err := c.Get(ctx, key, obj); err != nil {
		return "", "", fmt.Errorf("rollout %s/%s: %w", key.Namespace, key.Name, err)
	}
	if ref, ok, _ := unstructured.NestedMap(obj.Object, "spec", "workloadRef"); ok {
		name, _ := ref["name"].(string)
		obj = &unstructured.Unstructured{}
		obj.SetAPIVersion("apps/v1")
		obj.SetKind("Deployment")
		key.Name = name
		if err := c.Get(ctx, key, obj); err != nil {
			return "", "", fmt.Errorf("deployment %s/%s: %w", key.Namespace, name, err)
		}
	}
	if err := setImage(obj, container, image); err != nil {
		return "", "", fmt.Errorf("%s %s/%s: %w", strings.ToLower(obj.GetKind()), obj.GetNamespace(), obj.GetName(), err)
	}
	if err := c.Update(ctx, obj); err != nil {
		return "", "", fmt.Errorf("update %s %s/%s: %w", strings.ToLower(obj.GetKind()), obj.GetNamespace(), obj.GetName(), err)
	}
	return strings.ToLower(obj.GetKind()), obj.GetName(), nil
}

// setImage sets image on the containers of obj's pod template named
// container (every one for *).
func setImage(obj *unstructured.Unstructured, container, image string) error {
	found := false
	for _, field := range []string{"initContainers", "containers", "ephemeralContainers"} {
		list, ok, err := unstructured.NestedFieldNoCopy(obj.Object, "spec", "template", "spec", field)
		if err != nil {
			return fmt.Errorf("spec.template.spec.%s: %w", field, err)
		}
		items, _ := list.([]any)
		if !ok {
			continue
		}
		for _, item := range items {
			ctr, _ := item.(map[string]any)
			if ctr == nil {
				continue
			}
			if name, _ := ctr["name"].(string); name == container || container == "*" {
				ctr["image"] = image
				found = true
			}
		}
	}
	if !found {
		return fmt.Errorf("no container named %q", container)
	}
	return nil
}
