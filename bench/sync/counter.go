package main

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// counter counts API requests by verb.
type counter struct {
	mu    sync.Mutex
	verbs map[string]int
	total atomic.Int64
}

func (c *counter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		verb := r.Method
		if r.Method == http.MethodGet && (r.URL.Query().Get("watch") == "true") {
			verb = "WATCH"
		} else if r.Method == http.MethodGet && !strings.Contains(r.URL.Path[strings.LastIndex(r.URL.Path, "/"):], ".") &&
			r.URL.Query().Get("limit") != "" {
			verb = "LIST"
		}
		if r.URL.Query().Get("dryRun") != "" {
			verb += "(dry-run)"
		}
		c.mu.Lock()
		c.verbs[verb]++
		c.mu.Unlock()
		c.total.Add(1)
		return rt.RoundTrip(r)
	})
}

func (c *counter) snapshot() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.verbs {
		out[k] = v
	}
	return out, c.total.Load()
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
