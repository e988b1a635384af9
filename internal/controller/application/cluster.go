package application

import (
	"context"
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/internal/cluster"
	tsync "github.com/tiphys/tiphys/internal/sync"
)

// syncCluster carries out a sync's changes with server-side apply. It
// remembers the resourceVersion of each write, so that reads for health
// checks come from the watch cache once it has seen the write, not from
// the API server.
type syncCluster struct {
	live    *cluster.LiveCache
	written sync.Map // object key → resourceVersion written
	// applied, if set, is told of every object a server-side apply left
	// as desired, so the next comparison needs no dry run.
	applied func(desired, live *unstructured.Unstructured)
}

func (c *syncCluster) remember(obj *unstructured.Unstructured, err error) {
	if err == nil && obj != nil {
		if rv, perr := strconv.ParseUint(obj.GetResourceVersion(), 10, 64); perr == nil {
			c.written.Store(key(obj), rv)
		}
	}
}

func (c *syncCluster) Apply(ctx context.Context, obj *unstructured.Unstructured, o tsync.WriteOptions) (*unstructured.Unstructured, error) {
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	out, err := cluster.Apply(ctx, res, obj, FieldManager, !o.SkipValidation, false)
	c.remember(out, err)
	if err == nil && c.applied != nil {
		c.applied(obj, out)
	}
	return out, err
}

func (c *syncCluster) Replace(ctx context.Context, obj, live *unstructured.Unstructured, o tsync.WriteOptions) (*unstructured.Unstructured, error) {
	if live == nil {
		return c.Create(ctx, obj, o)
	}
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	replacement := obj.DeepCopy()
	replacement.SetResourceVersion(live.GetResourceVersion())
	out, err := res.Update(ctx, replacement, metav1.UpdateOptions{FieldManager: FieldManager, FieldValidation: cluster.FieldValidation(!o.SkipValidation)})
	c.remember(out, err)
	return out, err
}

func (c *syncCluster) Create(ctx context.Context, obj *unstructured.Unstructured, o tsync.WriteOptions) (*unstructured.Unstructured, error) {
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	out, err := res.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager, FieldValidation: cluster.FieldValidation(!o.SkipValidation)})
	c.remember(out, err)
	return out, err
}

func (c *syncCluster) Delete(ctx context.Context, obj *unstructured.Unstructured, policy metav1.DeletionPropagation) error {
	res, err := c.live.Resource(obj)
	if err != nil {
		return err
	}
	c.written.Delete(key(obj))
	err = res.Delete(ctx, obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (c *syncCluster) Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if written, ok := c.written.Load(key(obj)); ok {
		cached, err := c.live.Get(ctx, obj.GroupVersionKind(), obj.GetNamespace(), obj.GetName())
		if err == nil && cached != nil {
			if rv, perr := strconv.ParseUint(cached.GetResourceVersion(), 10, 64); perr == nil && rv >= written.(uint64) {
				return cached, nil
			}
		}
	}
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	got, err := res.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return got, err
}
