package application

import (
	"sync"
	"testing"
	"time"
)

// Given many changes to two apps within the delay, the debouncer fires once
// per app; a change after the firing fires again.
func TestDebouncerGathersChanges(t *testing.T) {
	var mu sync.Mutex
	fired := map[string]int{}
	done := make(chan struct{}, 16)
	d := &debouncer{delay: 200 * time.Millisecond, fire: func(app string) {
		mu.Lock()
		fired[app]++
		mu.Unlock()
		done <- struct{}{}
	}}
	for range 50 {
		d.add("a")
		d.add("b")
	}
	<-done
	<-done
	d.add("a")
	<-done
	mu.Lock()
	defer mu.Unlock()
	if fired["a"] != 2 || fired["b"] != 1 {
		t.Errorf("fired %v, want a twice and b once", fired)
	}
}
