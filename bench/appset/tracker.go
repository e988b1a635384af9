package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// appView is what the benchmark reads of an Application.
type appView struct {
	resourceVersion string
	// content is what a set decides of an app (labels, annotations but
	// the refresh one the benchmark sets, finalizers, spec, owners), as
	// JSON: it changes when the set writes the app.
	content string
	// operation is the last sync's start and revision: it changes when
	// the app syncs again.
	operation string
	// revision is the commit the app was last compared at.
	revision string
	// done is Synced and Healthy.
	done bool
	// syncedRevision is the revision a succeeded sync applied, when the
	// app is Synced at it.
	syncedRevision string
}

// refreshAnnotation asks the application controller for a refresh; the
// benchmark sets it as a webhook would, so it is not the set's content.
const refreshAnnotation = "argocd.argoproj.io/refresh"

func view(a *v1alpha1.Application) appView {
	ann := map[string]string{}
	for k, v := range a.Annotations {
		if k != refreshAnnotation {
			ann[k] = v
		}
	}
	content, _ := json.Marshal([]any{a.Labels, ann, a.Finalizers, a.Spec, a.OwnerReferences})
	v := appView{resourceVersion: a.ResourceVersion, content: string(content), revision: a.Status.Sync.Revision,
		done: a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Health.Status == v1alpha1.HealthStatusHealthy}
	if op := a.Status.OperationState; op != nil {
		v.operation = op.StartedAt.String()
		if op.SyncResult != nil {
			v.operation += " " + op.SyncResult.Revision
			if op.Phase == v1alpha1.OperationSucceeded && a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced &&
				a.Status.Sync.Revision == op.SyncResult.Revision {
				v.syncedRevision = op.SyncResult.Revision
			}
		}
	}
	return v
}

// tracker follows the Applications of a namespace through a watch, so
// that the benchmark sees each change when it happens without listing
// every app again.
type tracker struct {
	c         client.WithWatch
	namespace string

	mu   sync.Mutex
	apps map[string]appView
	err  error
	// changed is signalled after every change.
	changed chan struct{}
}

// startTracker lists the Applications of namespace and follows them until
// ctx ends.
func startTracker(ctx context.Context, c client.WithWatch, namespace string) (*tracker, error) {
	t := &tracker{c: c, namespace: namespace, changed: make(chan struct{}, 1)}
	rv, err := t.relist(ctx)
	if err != nil {
		return nil, err
	}
	go t.follow(ctx, rv)
	return t, nil
}

// relist replaces what the tracker knows with a fresh list.
func (t *tracker) relist(ctx context.Context) (string, error) {
	apps, rv, err := listApps(ctx, t.c, t.namespace)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.apps = apps
	t.mu.Unlock()
	t.signal()
	return rv, nil
}

// listApps reads the Applications of namespace from the API server.
func listApps(ctx context.Context, c client.Reader, namespace string) (map[string]appView, string, error) {
	var list v1alpha1.ApplicationList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, "", fmt.Errorf("list applications in %s: %w", namespace, err)
	}
	apps := make(map[string]appView, len(list.Items))
	for i := range list.Items {
		apps[list.Items[i].Name] = view(&list.Items[i])
	}
	return apps, list.ResourceVersion, nil
}

// follow watches from rv, watching again when the server ends a watch
// and listing again when rv is too old.
func (t *tracker) follow(ctx context.Context, rv string) {
	for ctx.Err() == nil {
		w, err := t.c.Watch(ctx, &v1alpha1.ApplicationList{}, &client.ListOptions{Namespace: t.namespace,
			Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
		if err != nil {
			t.fail(fmt.Errorf("watch applications: %w", err))
			return
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error {
				if rv, err = t.relist(ctx); err != nil {
					t.fail(err)
					w.Stop()
					return
				}
				break
			}
			a, ok := ev.Object.(*v1alpha1.Application)
			if !ok {
				continue
			}
			rv = a.ResourceVersion
			if ev.Type == watch.Bookmark {
				continue
			}
			t.mu.Lock()
			if ev.Type == watch.Deleted {
				delete(t.apps, a.Name)
			} else {
				t.apps[a.Name] = view(a)
			}
			t.mu.Unlock()
			t.signal()
		}
		w.Stop()
	}
}

func (t *tracker) signal() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

func (t *tracker) fail(err error) {
	t.mu.Lock()
	t.err = err
	t.mu.Unlock()
	t.signal()
}

// until waits until cond holds of the apps, and returns when it first
// saw it hold; it gives up after timeout.
func (t *tracker) until(what string, timeout time.Duration, cond func(map[string]appView) bool) (time.Time, error) {
	deadline := time.After(timeout)
	for {
		t.mu.Lock()
		ok, err := cond(t.apps), t.err
		t.mu.Unlock()
		if err != nil {
			return time.Time{}, fmt.Errorf("wait for %s: %w", what, err)
		}
		if ok {
			return time.Now(), nil
		}
		select {
		case <-t.changed:
		case <-deadline:
			return time.Time{}, fmt.Errorf("wait for %s: did not happen within %s", what, timeout)
		}
	}
}

// count is the number of apps of which f holds.
func count(apps map[string]appView, f func(appView) bool) int {
	n := 0
	for _, a := range apps {
		if f(a) {
			n++
		}
	}
	return n
}
