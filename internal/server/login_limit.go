package server

import (
	"sync"
	"time"
)

// Argo CD's session manager limits: a user name with maxLoginFailures
// failed logins, the last less than loginFailureWindow ago, cannot log in
// (not even with the right password) until the window has passed; at most
// maxLoginNames names are remembered, so guessing names cannot fill the
// memory.
const (
	maxLoginFailures   = 5
	loginFailureWindow = 5 * time.Minute
	maxLoginNames      = 10000
)

// loginFailures counts failed logins per user name, in memory (a
// restarted server forgets them).
type loginFailures struct {
	mu     sync.Mutex
	byName map[string]*loginFailure
}

// loginFailure is one name's failures within the window.
type loginFailure struct {
	count int
	last  time.Time
}

// blocked reports whether name has too many recent failures at now.
func (l *loginFailures) blocked(name string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.byName[name]
	return f != nil && f.count >= maxLoginFailures && now.Sub(f.last) < loginFailureWindow
}

// fail records a failed login of name at now; failures older than the
// window are forgotten first.
func (l *loginFailures) fail(name string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byName == nil {
		l.byName = map[string]*loginFailure{}
	}
	f := l.byName[name]
	if f == nil || now.Sub(f.last) >= loginFailureWindow {
		if f == nil && len(l.byName) >= maxLoginNames {
			l.evict(now)
		}
		f = &loginFailure{}
		l.byName[name] = f
	}
	f.count++
	f.last = now
}

// forget drops name's failures after a successful login.
func (l *loginFailures) forget(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byName, name)
}

// evict makes room for one more name: the expired entries, else any one
// (as Argo CD evicts a random entry).
func (l *loginFailures) evict(now time.Time) {
	for name, f := range l.byName {
		if now.Sub(f.last) >= loginFailureWindow {
			delete(l.byName, name)
		}
	}
	for name := range l.byName {
		if len(l.byName) < maxLoginNames {
			return
		}
		delete(l.byName, name)
	}
}
