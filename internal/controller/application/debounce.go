package application

import (
	"sync"
	"time"
)

// debouncer gathers the changes to one application's live objects: the
// first change schedules one reconcile after a short delay, and the changes
// that arrive meanwhile join it. None is dropped.
type debouncer struct {
	delay time.Duration
	fire  func(app string)

	mu      sync.Mutex
	pending map[string]bool
}

// add notes a change to an application's objects.
func (d *debouncer) add(app string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending[app] {
		return
	}
	if d.pending == nil {
		d.pending = map[string]bool{}
	}
	d.pending[app] = true
	time.AfterFunc(d.delay, func() {
		d.mu.Lock()
		delete(d.pending, app)
		d.mu.Unlock()
		d.fire(app)
	})
}
