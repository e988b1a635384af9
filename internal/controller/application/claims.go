package application

import (
	"slices"
	"sync"

	"github.com/tiphys/tiphys/internal/object"
)

// claims records which applications render which objects in which
// cluster. An object that two applications render is shared for as long
// as both render it, whichever of them wrote it last, so the
// SharedResourceWarning does not come and go with each write.
type claims struct {
	mu    sync.Mutex
	byObj map[claim]map[string]bool // claim → application instances
	byApp map[string][]claim
}

// claim is one object in one cluster (by server URL).
type claim struct {
	server string
	id     object.ID
}

// set replaces what app renders in server and reports whether that changed.
func (c *claims) set(app, server string, ids []object.ID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byObj == nil {
		c.byObj, c.byApp = map[claim]map[string]bool{}, map[string][]claim{}
	}
	mine := make([]claim, 0, len(ids))
	for _, id := range ids {
		mine = append(mine, claim{server, id})
	}
	if slices.Equal(c.byApp[app], mine) {
		return false
	}
	c.dropLocked(app)
	for _, k := range mine {
		if c.byObj[k] == nil {
			c.byObj[k] = map[string]bool{}
		}
		c.byObj[k][app] = true
	}
	c.byApp[app] = mine
	return true
}

// others lists the other applications that render id in server, sorted.
func (c *claims) others(app, server string, id object.ID) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for a := range c.byObj[claim{server, id}] {
		if a != app {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// forget drops a deleted application's claims.
func (c *claims) forget(app string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(app)
}

func (c *claims) dropLocked(app string) {
	for _, k := range c.byApp[app] {
		delete(c.byObj[k], app)
		if len(c.byObj[k]) == 0 {
			delete(c.byObj, k)
		}
	}
	delete(c.byApp, app)
}
