package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// annotationRevision is the revision number Argo Rollouts writes on each
// ReplicaSet of a Rollout.
const annotationRevision = "rollout.argoproj.io/revision"

// newRolloutUndoCmd puts back an earlier revision's pod template, as
// `kubectl argo rollouts undo`.
func newRolloutUndoCmd() *cobra.Command {
	f := &rolloutFlags{}
	var toRevision int64
	cmd := &cobra.Command{
		Use:   "undo NAME",
		Short: "Roll a Rollout back to an earlier revision",
		Long: `Roll back: replace the Rollout's pod template (JSON patch on /spec/template) with the
one of the ReplicaSet of --to-revision, by default the revision before the newest.
The revision's pod-template-hash label is left out. With spec.workloadRef, the
referenced Deployment, ReplicaSet or PodTemplate is patched instead.`,
		Example: `  tiphys rollout undo guestbook -N shop
  tiphys rollout undo guestbook -N shop --to-revision 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, ro, err := f.load(ctx, args[0])
			if err != nil {
				return err
			}
			msg, err := undoRollout(ctx, c, ro, toRevision)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		},
	}
	cmd.Flags().Int64Var(&toRevision, "to-revision", 0, "revision to roll back to (default: the one before the newest)")
	f.register(cmd, "")
	f.kubeOnlyVerb(cmd)
	return cmd
}

// undoRollout patches ro's template, or its workload's, back to revision
// toRevision and returns what it did.
func undoRollout(ctx context.Context, c client.Client, ro *v1alpha1.Rollout, toRevision int64) (string, error) {
	rs, err := revisionReplicaSet(ctx, c, ro, toRevision)
	if err != nil {
		return "", err
	}
	equal, err := sameTemplate(&ro.Spec.Template, &rs.Spec.Template)
	if err != nil {
		return "", err
	}
	if equal {
		return fmt.Sprintf("skipped rollback (current template already matches revision %d)", toRevision), nil
	}
	tmpl := rs.Spec.Template.DeepCopy()
	delete(tmpl.Labels, v1alpha1.LabelPodTemplateHash)
	patch, err := json.Marshal([]map[string]any{{"op": "replace", "path": "/spec/template", "value": tmpl}})
	if err != nil {
		return "", fmt.Errorf("restore revision %d: %w", toRevision, err)
	}
	var target client.Object = ro
	if ref := ro.Spec.WorkloadRef; ref != nil {
		u := &unstructured.Unstructured{}
		switch ref.Kind {
		case "Deployment", "ReplicaSet":
			u.SetAPIVersion("apps/v1")
		case "PodTemplate":
			u.SetAPIVersion("v1")
		default:
			return "", fmt.Errorf("workload of kind %q is not supported", ref.Kind)
		}
		u.SetKind(ref.Kind)
		u.SetNamespace(ro.Namespace)
		u.SetName(ref.Name)
		target = u
	}
	if err := c.Patch(ctx, target, client.RawPatch(types.JSONPatchType, patch)); err != nil {
		return "", fmt.Errorf("restore revision %d: %w", toRevision, err)
	}
	return fmt.Sprintf("rollout '%s' undo", ro.Name), nil
}

// revisionReplicaSet finds, among the ReplicaSets ro controls, the one of
// revision toRevision, or for 0 the second newest.
func revisionReplicaSet(ctx context.Context, c client.Client, ro *v1alpha1.Rollout, toRevision int64) (*appsv1.ReplicaSet, error) {
	sel := &metav1.LabelSelector{}
	if ro.Spec.Selector != nil {
		sel = ro.Spec.Selector
	}
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, fmt.Errorf("selector of rollout %s: %w", ro.Name, err)
	}
	list := &appsv1.ReplicaSetList{}
	if err := c.List(ctx, list, client.InNamespace(ro.Namespace), client.MatchingLabelsSelector{Selector: selector}); err != nil {
		return nil, fmt.Errorf("replicasets of rollout %s: %w", ro.Name, err)
	}
	var latest, previous *appsv1.ReplicaSet
	latestRev, previousRev := int64(-1), int64(-1)
	for i := range list.Items {
		rs := &list.Items[i]
		if !metav1.IsControlledBy(rs, ro) {
			continue
		}
		v, err := replicaSetRevision(rs)
		if err != nil {
			continue
		}
		switch {
		case toRevision > 0:
			if v == toRevision {
				return rs, nil
			}
		case v > latestRev:
			previous, previousRev = latest, latestRev
			latest, latestRev = rs, v
		case v > previousRev:
			previous, previousRev = rs, v
		}
	}
	if toRevision > 0 {
		return nil, fmt.Errorf("revision %d of rollout %s not found in its history", toRevision, ro.Name)
	}
	if previous == nil {
		return nil, fmt.Errorf("no earlier revision found for rollout %s", ro.Name)
	}
	return previous, nil
}

// replicaSetRevision reads the revision annotation; 0 when there is none.
func replicaSetRevision(rs *appsv1.ReplicaSet) (int64, error) {
	v, ok := rs.Annotations[annotationRevision]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// sameTemplate says whether the Rollout's template is already the
// ReplicaSet's, the pod-template-hash label aside: every field set in the
// Rollout's has the ReplicaSet's value.
func sameTemplate(ro, rs *corev1.PodTemplateSpec) (bool, error) {
	a, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ro)
	if err != nil {
		return false, err
	}
	b, err := runtime.DefaultUnstructuredConverter.ToUnstructured(rs)
	if err != nil {
		return false, err
	}
	unstructured.RemoveNestedField(a, "metadata", "labels", v1alpha1.LabelPodTemplateHash)
	unstructured.RemoveNestedField(b, "metadata", "labels", v1alpha1.LabelPodTemplateHash)
	return apiequality.Semantic.DeepDerivative(a, b), nil
}
