package cluster

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// ApplyOptions tune a server-side apply.
type ApplyOptions struct {
	// FieldManager owns the applied fields.
	FieldManager string
	// SkipValidation drops the fields the kind's schema lacks instead of
	// refusing them (Validate=false).
	SkipValidation bool
	// DryRun asks the server what the apply would make of the object,
	// changing nothing.
	DryRun bool
}

// Apply server-side-applies obj with force (the applier takes over fields
// others own, as Argo CD's sync does). With SkipValidation, fields the
// kind's schema lacks are dropped first, since server-side apply itself
// rejects them whatever the field validation. An error about a Secret
// never holds its values (WithoutSecretValues).
func Apply(ctx context.Context, res dynamic.ResourceInterface, obj *unstructured.Unstructured, o ApplyOptions) (*unstructured.Unstructured, error) {
	out, err := apply(ctx, res, obj, o)
	if err != nil {
		return nil, WithoutSecretValues(err, obj)
	}
	return out, nil
}

func apply(ctx context.Context, res dynamic.ResourceInterface, obj *unstructured.Unstructured, o ApplyOptions) (*unstructured.Unstructured, error) {
	manager := o.FieldManager
	validation := FieldValidation(!o.SkipValidation)
	if o.SkipValidation {
		known, err := withoutUnknownFields(ctx, res, obj, manager)
		if err != nil {
			return nil, err
		}
		obj = known
	}
	data, err := obj.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: manager, Force: &force, FieldValidation: validation}
	if o.DryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return res.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, opts)
}

// FieldValidation is the API server's fieldValidation for a write: Strict,
// as kubectl validates by default, or Ignore (Validate=false).
func FieldValidation(validate bool) string {
	if validate {
		return "Strict"
	}
	return "Ignore"
}

// withoutUnknownFields returns obj without the fields the server drops: it
// asks with a dry-run write that ignores unknown fields and keeps only what
// the answer holds.
func withoutUnknownFields(ctx context.Context, res dynamic.ResourceInterface, obj *unstructured.Unstructured, manager string) (*unstructured.Unstructured, error) {
	probe := obj.DeepCopy()
	probe.SetResourceVersion("")
	dry := []string{metav1.DryRunAll}
	answer, err := res.Create(ctx, probe, metav1.CreateOptions{DryRun: dry, FieldManager: manager, FieldValidation: "Ignore"})
	if apierrors.IsAlreadyExists(err) {
		answer, err = res.Update(ctx, probe, metav1.UpdateOptions{DryRun: dry, FieldManager: manager, FieldValidation: "Ignore"})
	}
	if err != nil {
		return nil, fmt.Errorf("dry run of %s %s without validation: %w", obj.GetKind(), obj.GetName(), err)
	}
	out := obj.DeepCopy()
	out.Object = keepKnown(obj.Object, answer.Object).(map[string]any)
	return out, nil
}

// keepKnown keeps the parts of want that got also has.
func keepKnown(want, got any) any {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return want
		}
		out := map[string]any{}
		for k, v := range w {
			if gv, ok := g[k]; ok {
				out[k] = keepKnown(v, gv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return want
		}
		out := make([]any, len(w))
		for i := range w {
			out[i] = keepKnown(w[i], g[i])
		}
		return out
	}
	return want
}
