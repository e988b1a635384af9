package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newRolloutSetCmd groups the setters of a Rollout's fields.
func newRolloutSetCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "set", Short: "Change a field of a Rollout"}
	cmd.AddCommand(newRolloutSetImageCmd())
	return cmd
}

// newRolloutSetImageCmd changes a container's image, as `kubectl argo
// rollouts set image`: read, change, update, on the unstructured object
// so fields this build does not know survive.
func newRolloutSetImageCmd() *cobra.Command {
	f := &rolloutFlags{}
	cmd := &cobra.Command{
		Use:   "image NAME CONTAINER=IMAGE",
		Short: "Set the image of a container of a Rollout",
		Long: `Set the image of a container (init, regular or ephemeral) in the Rollout's pod
template; * names every container. With spec.workloadRef, the referenced
Deployment is updated instead.`,
		Example: `  tiphys rollout set image guestbook -N shop guestbook=argoproj/rollouts-demo:yellow
  tiphys rollout set image guestbook -N shop '*=argoproj/rollouts-demo:blue'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			container, image, ok := strings.Cut(args[1], "=")
			if !ok || container == "" || image == "" {
				return fmt.Errorf("invalid image update %q: want CONTAINER=IMAGE", args[1])
			}
			c, err := f.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			obj := &unstructured.Unstructured{}
			obj.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind("Rollout"))
			key := client.ObjectKey{Namespace: f.namespace, Name: args[0]}
			if err := c.Get(ctx, key, obj); err != nil {
				return fmt.Errorf("rollout %s/%s: %w", f.namespace, args[0], err)
			}
			if ref, ok, _ := unstructured.NestedMap(obj.Object, "spec", "workloadRef"); ok {
				name, _ := ref["name"].(string)
				obj = &unstructured.Unstructured{}
				obj.SetAPIVersion("apps/v1")
				obj.SetKind("Deployment")
				key.Name = name
				if err := c.Get(ctx, key, obj); err != nil {
					return fmt.Errorf("deployment %s/%s: %w", f.namespace, name, err)
				}
			}
			if err := setImage(obj, container, image); err != nil {
				return err
			}
			if err := c.Update(ctx, obj); err != nil {
				return fmt.Errorf("update %s %s/%s: %w", strings.ToLower(obj.GetKind()), obj.GetNamespace(), obj.GetName(), err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %q image updated\n", strings.ToLower(obj.GetKind()), obj.GetName())
			return nil
		},
	}
	f.register(cmd, "")
	f.kubeOnlyVerb(cmd)
	return cmd
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
