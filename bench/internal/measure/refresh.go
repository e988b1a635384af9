package measure

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// RefreshApp asks the application controller to look at an app's source
// again, as a Git webhook does.
func RefreshApp(ctx context.Context, c client.Client, namespace, name string) error {
	app := &v1alpha1.Application{}
	app.Namespace, app.Name = namespace, name
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"`+RefreshAnnotation+`":"normal"}}}`))
	if err := c.Patch(ctx, app, patch); err != nil {
		return fmt.Errorf("refresh application %s/%s: %w", namespace, name, err)
	}
	return nil
}

// setRefreshAnnotation asks a set for a fresh look at its generators'
// sources; the controller removes it once it has looked.
const setRefreshAnnotation = "argocd.argoproj.io/application-set-refresh"

// RefreshSet asks an ApplicationSet to generate again, and waits until it
// has: the controller removes the annotation after a run.
func RefreshSet(ctx context.Context, c client.Client, namespace, name string, timeout time.Duration) error {
	set := &v1alpha1.ApplicationSet{}
	key := client.ObjectKey{Namespace: namespace, Name: name}
	if err := c.Get(ctx, key, set); err != nil {
		return fmt.Errorf("refresh applicationset %s: %w", key, err)
	}
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"`+setRefreshAnnotation+`":"true"}}}`))
	if err := c.Patch(ctx, set, patch); err != nil {
		return fmt.Errorf("refresh applicationset %s: %w", key, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		if err := c.Get(ctx, key, set); err != nil {
			return fmt.Errorf("refresh applicationset %s: %w", key, err)
		}
		if _, ok := set.Annotations[setRefreshAnnotation]; !ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("refresh applicationset %s: annotation still there after %s", key, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
