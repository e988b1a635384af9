// Package staleread keeps a controller from acting twice on the same
// version of an object. A controller that writes an object (its status, an
// annotation) is often woken again — by its own write, by a child it just
// created — before its cache holds the write; acting on the older copy
// repeats side effects the write recorded (a measurement sent again, a
// second AnalysisRun created). A Guard remembers, per object, the
// resourceVersion that a write made obsolete, and reports a cached copy
// still at that version as stale, so the reconcile can wait a moment for
// the cache instead.
package staleread

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// Guard records obsolete resourceVersions by object UID. It is safe for
// concurrent use; the zero value is ready.
type Guard struct {
	mu       sync.Mutex
	obsolete map[types.UID]map[string]bool
}

// Wrote records that a write replaced version before of the object uid
// (several writes in one reconcile each record theirs).
func (g *Guard) Wrote(uid types.UID, before string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.obsolete == nil {
		g.obsolete = map[types.UID]map[string]bool{}
	}
	if g.obsolete[uid] == nil {
		g.obsolete[uid] = map[string]bool{}
	}
	g.obsolete[uid][before] = true
}

// Stale reports whether a copy of the object at resourceVersion rv is one
// a write of this controller already replaced. A copy at any other
// version clears the record: the cache has caught up (or someone else
// wrote, which the reconcile must see anyway).
func (g *Guard) Stale(uid types.UID, rv string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	versions, ok := g.obsolete[uid]
	if !ok {
		return false
	}
	if versions[rv] {
		return true
	}
	delete(g.obsolete, uid)
	return false
}

// Forget drops the record of a deleted object.
func (g *Guard) Forget(uid types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.obsolete, uid)
}
