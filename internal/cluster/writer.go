package cluster

import (
	"context"
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tiphys/tiphys/internal/object"
)

// FieldManager is the server-side apply field manager of syncs and
// comparisons, Argo CD's.
const FieldManager = "argocd-controller"

// WriteOptions tune one write of a sync.
type WriteOptions struct {
	// SkipValidation drops unknown fields instead of failing (Validate=false);
	// by default the server rejects them, as kubectl's strict validation.
	SkipValidation bool
}

// DeleteOptions tune one deletion.
type DeleteOptions struct {
	// Propagation is the deletion propagation policy (the server's default
	// when empty).
	Propagation metav1.DeletionPropagation
	// IfUnchanged deletes only the very object given: the same UID and
	// resourceVersion, as preconditions. The server answers Conflict when
	// the object changed since it was read.
	IfUnchanged bool
}

// Writer makes a sync's changes in one cluster: server-side applies,
// creates, replaces and deletes. It remembers the resourceVersion of each
// write, so that reads for health checks come from the watch cache once it
// has seen the write, and from the API server only before.
type Writer struct {
	live    *LiveCache
	manager string
	written sync.Map // object.ID → resourceVersion written
	// applied, if set, is told of every object a server-side apply left as
	// desired, so the next comparison needs no dry run.
	applied func(desired, live *unstructured.Unstructured)
}

// NewWriter returns a writer that writes as fieldManager.
func NewWriter(live *LiveCache, fieldManager string) *Writer {
	return &Writer{live: live, manager: fieldManager}
}

// DryRunApply returns what Apply would leave of obj, changing nothing
// (diff.Cluster).
func (w *Writer) DryRunApply(ctx context.Context, obj *unstructured.Unstructured, skipValidation bool) (*unstructured.Unstructured, error) {
	res, err := w.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	return Apply(ctx, res, obj, ApplyOptions{FieldManager: w.manager, SkipValidation: skipValidation, DryRun: true})
}

// ManagedFields returns the managedFields of a live object (diff.Cluster).
func (w *Writer) ManagedFields(ctx context.Context, live *unstructured.Unstructured) ([]metav1.ManagedFieldsEntry, error) {
	return w.live.ManagedFields(ctx, live)
}

func (w *Writer) remember(obj *unstructured.Unstructured, err error) {
	if err == nil && obj != nil {
		if rv, perr := strconv.ParseUint(obj.GetResourceVersion(), 10, 64); perr == nil {
			w.written.Store(object.IDOf(obj), rv)
		}
	}
}

// Apply server-side-applies obj (see the package function Apply).
func (w *Writer) Apply(ctx context.Context, obj *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error) {
	res, err := w.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	out, err := Apply(ctx, res, obj, ApplyOptions{FieldManager: w.manager, SkipValidation: o.SkipValidation})
	w.remember(out, err)
	if err == nil && w.applied != nil {
		w.applied(obj, out)
	}
	return out, err
}

// Replace updates live to obj, or creates obj when live is nil
// (Replace=true).
func (w *Writer) Replace(ctx context.Context, obj, live *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error) {
	if live == nil {
		return w.Create(ctx, obj, o)
	}
	res, err := w.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	replacement := obj.DeepCopy()
	replacement.SetResourceVersion(live.GetResourceVersion())
	out, err := res.Update(ctx, replacement, metav1.UpdateOptions{FieldManager: w.manager, FieldValidation: FieldValidation(!o.SkipValidation)})
	w.remember(out, err)
	return out, WithoutSecretValues(err, obj)
}

// Create creates obj.
func (w *Writer) Create(ctx context.Context, obj *unstructured.Unstructured, o WriteOptions) (*unstructured.Unstructured, error) {
	res, err := w.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	out, err := res.Create(ctx, obj, metav1.CreateOptions{FieldManager: w.manager, FieldValidation: FieldValidation(!o.SkipValidation)})
	w.remember(out, err)
	return out, WithoutSecretValues(err, obj)
}

// Delete deletes obj; an object already gone is no error.
func (w *Writer) Delete(ctx context.Context, obj *unstructured.Unstructured, o DeleteOptions) error {
	res, err := w.live.Resource(obj)
	if err != nil {
		return err
	}
	w.written.Delete(object.IDOf(obj))
	opts := metav1.DeleteOptions{}
	if o.Propagation != "" {
		opts.PropagationPolicy = &o.Propagation
	}
	if o.IfUnchanged {
		uid, rv := obj.GetUID(), obj.GetResourceVersion()
		opts.Preconditions = &metav1.Preconditions{}
		if uid != "" {
			opts.Preconditions.UID = (*types.UID)(&uid)
		}
		if rv != "" {
			opts.Preconditions.ResourceVersion = &rv
		}
	}
	err = res.Delete(ctx, obj.GetName(), opts)
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// Get reads obj: from the watch cache once it has seen this writer's last
// write of the object, from the API server otherwise; nil when it does
// not exist.
func (w *Writer) Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if written, ok := w.written.Load(object.IDOf(obj)); ok {
		cached, err := w.live.Get(ctx, obj.GroupVersionKind(), obj.GetNamespace(), obj.GetName())
		if err == nil && cached != nil {
			if rv, perr := strconv.ParseUint(cached.GetResourceVersion(), 10, 64); perr == nil && rv >= written.(uint64) {
				return cached, nil
			}
		}
	}
	res, err := w.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	got, err := res.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return got, err
}
