package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Given alice and bob, when someone tries maxLoginFailures wrong passwords
// for alice, then alice's next login is refused even with the right
// password, as Argo CD's session manager refuses it, while bob still logs
// in; the refusal is logged.
func TestLoginFailuresLockTheName(t *testing.T) {
	a := newAPI(t, unique("srv-brute"))
	a.account("alice", "wonderland")
	a.account("bob", "builder")
	for i := range maxLoginFailures {
		if status, _ := a.call("POST", "/api/v1/session", "", map[string]string{"username": "alice", "password": "guess" + string(rune('a'+i))}); status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, status)
		}
	}
	status, body := a.call("POST", "/api/v1/session", "", map[string]string{"username": "alice", "password": "wonderland"})
	if status != http.StatusUnauthorized || !strings.Contains(body, "too many failed login attempts") {
		t.Errorf("alice after %d failures: %d %s, want 401 naming the failures", maxLoginFailures, status, body)
	}
	a.login("bob", "builder")
	if !strings.Contains(a.log.String(), "too many failed login attempts") {
		t.Errorf("the refusal is not logged:\n%s", a.log)
	}
}

// Given failures recorded at given times, then a name is blocked from the
// maxLoginFailures-th failure until loginFailureWindow after the last one,
// a success forgets its failures, and no more than maxLoginNames names are
// remembered.
func TestLoginFailureWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		failures int
		success  bool
		at       time.Duration // after the last failure
		blocked  bool
	}{
		{"below the limit", maxLoginFailures - 1, false, 0, false},
		{"at the limit", maxLoginFailures, false, time.Second, true},
		{"window over", maxLoginFailures, false, loginFailureWindow + time.Second, false},
		{"after a success", maxLoginFailures - 1, true, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l loginFailures
			for range tt.failures {
				l.fail("alice", t0)
			}
			if tt.success {
				l.forget("alice")
				l.fail("alice", t0)
			}
			if got := l.blocked("alice", t0.Add(tt.at)); got != tt.blocked {
				t.Errorf("blocked %v, want %v", got, tt.blocked)
			}
		})
	}
	var l loginFailures
	for i := range maxLoginNames + 10 {
		l.fail(string(rune(i)), t0)
	}
	if n := len(l.byName); n > maxLoginNames {
		t.Errorf("%d names remembered, want at most %d", n, maxLoginNames)
	}
}
