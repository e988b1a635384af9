package analysisrun

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// errNoOwner is a fieldRef argument on a run that no object controls.
var errNoOwner = errors.New("the run has no owner to read the field from")

// resolvedArgs are a run's argument values and which of them are secret.
type resolvedArgs struct {
	values  map[string]string
	secrets []string
}

// resolveArgs gives every argument of the run its value, as Argo's
// analysis controller does before each measurement:
//
//   - value: as written (Tiphys' rollout controller fills in
//     podTemplateHashValue arguments when it creates the run);
//   - valueFrom.secretKeyRef: the key of a Secret in the run's namespace,
//     read uncached (APIReader), its value kept for redaction;
//   - valueFrom.fieldRef: a field of the object that controls the run (its
//     Rollout), read uncached as unstructured, such as
//     metadata.labels['app'].
//
// An argument that cannot be resolved is an error naming it.
func (r *Reconciler) resolveArgs(ctx context.Context, run *v1alpha1.AnalysisRun) (resolvedArgs, error) {
	out := resolvedArgs{values: map[string]string{}}
	args := make([]v1alpha1.Argument, 0, len(run.Spec.Args))
	var owner *unstructured.Unstructured
	for _, arg := range run.Spec.Args {
		from := arg.ValueFrom
		switch {
		case from != nil && from.SecretKeyRef != nil:
			value, err := r.secretValue(ctx, run.Namespace, *from.SecretKeyRef)
			if err != nil {
				return out, fmt.Errorf("args.%s: %w", arg.Name, err)
			}
			out.secrets = append(out.secrets, value)
			arg.Value = &value
		case from != nil && from.FieldRef != nil:
			if owner == nil {
				var err error
				if owner, err = r.owner(ctx, run); err != nil {
					return out, fmt.Errorf("args.%s: %w", arg.Name, err)
				}
			}
			value, err := fieldValue(owner.Object, from.FieldRef.FieldPath)
			if err != nil {
				return out, fmt.Errorf("args.%s: %s %s: %w", arg.Name, owner.GetKind(), owner.GetName(), err)
			}
			arg.Value = &value
		}
		args = append(args, arg)
	}
	values, err := analysis.ArgValues(args)
	if err != nil {
		return out, err
	}
	out.values = values
	return out, nil
}

// secretValue reads one key of a Secret.
func (r *Reconciler) secretValue(ctx context.Context, namespace string, ref v1alpha1.SecretKeyRef) (string, error) {
	secret := &corev1.Secret{}
	if err := r.reader().Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		return "", fmt.Errorf("secret %q: %w", ref.Name, err)
	}
	value, ok := secret.Data[ref.Key]
	if !ok {
		return "", fmt.Errorf("secret %q has no key %q", ref.Name, ref.Key)
	}
	return string(value), nil
}

// owner reads the object that controls the run (or its first owner).
func (r *Reconciler) owner(ctx context.Context, run *v1alpha1.AnalysisRun) (*unstructured.Unstructured, error) {
	ref := metav1.GetControllerOf(run)
	if ref == nil && len(run.OwnerReferences) > 0 {
		ref = &run.OwnerReferences[0]
	}
	if ref == nil {
		return nil, errNoOwner
	}
	obj := &unstructured.Unstructured{}
	obj.SetAPIVersion(ref.APIVersion)
	obj.SetKind(ref.Kind)
	if err := r.reader().Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: ref.Name}, obj); err != nil {
		return nil, fmt.Errorf("read owner %s %s: %w", ref.Kind, ref.Name, err)
	}
	return obj, nil
}

// reader reads uncached: APIReader, else Client.
func (r *Reconciler) reader() client.Reader {
	if r.APIReader != nil {
		return r.APIReader
	}
	return r.Client
}
