package application

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/internal/cluster"
)

// syncCluster carries out a sync's changes with server-side apply.
type syncCluster struct{ live *cluster.LiveCache }

func (c *syncCluster) Apply(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	return res.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
}

func (c *syncCluster) Replace(ctx context.Context, obj, live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if live == nil {
		return c.Create(ctx, obj)
	}
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	replacement := obj.DeepCopy()
	replacement.SetResourceVersion(live.GetResourceVersion())
	return res.Update(ctx, replacement, metav1.UpdateOptions{FieldManager: FieldManager})
}

func (c *syncCluster) Create(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	res, err := c.live.Resource(obj)
	if err != nil {
		return nil, err
	}
	return res.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
}

func (c *syncCluster) Delete(ctx context.Context, obj *unstructured.Unstructured, policy metav1.DeletionPropagation) error {
	res, err := c.live.Resource(obj)
	if err != nil {
		return err
	}
	err = res.Delete(ctx, obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (c *syncCluster) Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
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
