package main

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// counter counts the controllers' API requests by verb and resource, as
// bench/sync's counter does by verb.
type counter struct {
	mu    sync.Mutex
	kinds map[string]int
	total atomic.Int64
}

func newCounter() *counter { return &counter{kinds: map[string]int{}} }

func (c *counter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		verb := r.Method
		switch {
		case r.Method == http.MethodGet && q.Get("watch") == "true":
			verb = "WATCH"
		case r.Method == http.MethodGet && q.Get("limit") != "":
			verb = "LIST"
		}
		if q.Get("dryRun") != "" {
			verb += "(dry-run)"
		}
		key := verb + " " + resource(r.URL.Path)
		c.mu.Lock()
		c.kinds[key]++
		c.mu.Unlock()
		c.total.Add(1)
		return rt.RoundTrip(r)
	})
}

// resource is the resource a request path names: "applications" in
// /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/app-1, with
// "/status" when it is the status subresource.
func resource(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return path
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	if len(parts) == 0 {
		return "namespaces"
	}
	if len(parts) >= 3 {
		return parts[0] + "/" + parts[2]
	}
	return parts[0]
}

// snapshot is the count so far, by verb and resource, and in all.
func (c *counter) snapshot() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.kinds))
	for k, v := range c.kinds {
		out[k] = v
	}
	return out, c.total.Load()
}

// since is the requests by verb and resource after an earlier snapshot,
// as "VERB resource=count" sorted.
func (c *counter) since(before map[string]int) []string {
	now, _ := c.snapshot()
	var out []string
	for k, v := range now {
		if d := v - before[k]; d > 0 {
			out = append(out, k+"="+strconv.Itoa(d))
		}
	}
	sort.Strings(out)
	return out
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
