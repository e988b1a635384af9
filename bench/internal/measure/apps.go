package measure

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// App is what the benchmarks read of an Application.
type App struct {
	// ResourceVersion is the Application's.
	ResourceVersion string
	// Content is what a set decides of an app (labels, annotations but
	// the refresh one the benchmark sets, finalizers, spec, owners), as
	// JSON: it changes when the set writes the app.
	Content string
	// Operation is the last sync's start and revision: it changes when
	// the app syncs again.
	Operation string
	// Revision is the commit the app was last compared at; Revisions
	// are those of a multi-source app, one per source.
	Revision  string
	Revisions []string
	// Done is Synced and Healthy.
	Done bool
	// SyncedRevision is the revision a succeeded sync applied, when the
	// app is Synced at it.
	SyncedRevision string
}

// RefreshAnnotation asks the application controller for a refresh; the
// benchmarks set it as a webhook would, so it is not a set's content.
const RefreshAnnotation = "argocd.argoproj.io/refresh"

// ViewApp reads an Application as the benchmarks see it.
func ViewApp(a *v1alpha1.Application) App {
	ann := map[string]string{}
	for k, v := range a.Annotations {
		if k != RefreshAnnotation {
			ann[k] = v
		}
	}
	content, _ := json.Marshal([]any{a.Labels, ann, a.Finalizers, a.Spec, a.OwnerReferences})
	v := App{ResourceVersion: a.ResourceVersion, Content: string(content), Revision: a.Status.Sync.Revision, Revisions: a.Status.Sync.Revisions,
		Done: a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Health.Status == v1alpha1.HealthStatusHealthy}
	if op := a.Status.OperationState; op != nil {
		v.Operation = op.StartedAt.String()
		if op.SyncResult != nil {
			v.Operation += " " + op.SyncResult.Revision + strings.Join(op.SyncResult.Revisions, ",")
			if op.Phase == v1alpha1.OperationSucceeded && a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced &&
				a.Status.Sync.Revision == op.SyncResult.Revision {
				v.SyncedRevision = op.SyncResult.Revision
			}
		}
	}
	return v
}

// ComparedAt tells whether the app was last compared at revision (every
// source of a multi-source app).
func (a App) ComparedAt(revision string) bool {
	if len(a.Revisions) == 0 {
		return a.Revision == revision
	}
	for _, r := range a.Revisions {
		if r != revision {
			return false
		}
	}
	return true
}

// AppTracker follows the Applications of a namespace through a watch, so
// that a benchmark sees each change when it happens without listing every
// app again.
type AppTracker struct {
	c         client.WithWatch
	namespace string

	mu   sync.Mutex
	apps map[string]App
	err  error
	// changed is signalled after every change.
	changed chan struct{}
}

// TrackApps lists the Applications of namespace and follows them until
// ctx ends.
func TrackApps(ctx context.Context, c client.WithWatch, namespace string) (*AppTracker, error) {
	t := &AppTracker{c: c, namespace: namespace, changed: make(chan struct{}, 1)}
	rv, err := t.relist(ctx)
	if err != nil {
		return nil, err
	}
	go t.follow(ctx, rv)
	return t, nil
}

// relist replaces what the tracker knows with a fresh list.
func (t *AppTracker) relist(ctx context.Context) (string, error) {
	apps, rv, err := ListApps(ctx, t.c, t.namespace)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.apps = apps
	t.mu.Unlock()
	t.signal()
	return rv, nil
}

// ListApps reads the Applications of namespace from the API server, and
// the list's resourceVersion.
func ListApps(ctx context.Context, c client.Reader, namespace string) (map[string]App, string, error) {
	var list v1alpha1.ApplicationList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, "", fmt.Errorf("list applications in %s: %w", namespace, err)
	}
	apps := make(map[string]App, len(list.Items))
	for i := range list.Items {
		apps[list.Items[i].Name] = ViewApp(&list.Items[i])
	}
	return apps, list.ResourceVersion, nil
}

// follow watches from rv, watching again when the server ends a watch
// and listing again when rv is too old.
func (t *AppTracker) follow(ctx context.Context, rv string) {
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
				t.apps[a.Name] = ViewApp(a)
			}
			t.mu.Unlock()
			t.signal()
		}
		w.Stop()
	}
}

func (t *AppTracker) signal() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

func (t *AppTracker) fail(err error) {
	t.mu.Lock()
	t.err = err
	t.mu.Unlock()
	t.signal()
}

// Until waits until cond holds of the apps, and returns when it first saw
// it hold; it gives up after timeout. cond runs at every change, with the
// tracker locked: it must not keep the map.
func (t *AppTracker) Until(what string, timeout time.Duration, cond func(map[string]App) bool) (time.Time, error) {
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

// Apps is a copy of what the tracker knows now.
func (t *AppTracker) Apps() map[string]App {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.apps)
}

// CountApps is the number of apps of which f holds.
func CountApps(apps map[string]App, f func(App) bool) int {
	n := 0
	for _, a := range apps {
		if f(a) {
			n++
		}
	}
	return n
}
