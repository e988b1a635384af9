package measure

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Requests counts the API requests made through the transports it wraps,
// by verb and resource ("PATCH rollouts/status", "WATCH replicasets"):
// wrap a controller's rest.Config with
//
//	cfg.Wrap(reqs.Wrap)
//
// before the manager is made from it, and every request of its clients,
// informers and event recorder is counted.
type Requests struct {
	mu    sync.Mutex
	kinds map[string]int
	total atomic.Int64
}

// NewRequests returns a counter at zero.
func NewRequests() *Requests { return &Requests{kinds: map[string]int{}} }

// Wrap counts the requests that go through rt; it fits rest.Config.Wrap.
func (c *Requests) Wrap(rt http.RoundTripper) http.RoundTripper {
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

// resource is the resource a request path names: "rollouts" in
// /apis/argoproj.io/v1alpha1/namespaces/apps/rollouts/web, with
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

// Snapshot is the count so far, by verb and resource, and in all.
func (c *Requests) Snapshot() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.kinds))
	for k, v := range c.kinds {
		out[k] = v
	}
	return out, c.total.Load()
}

// Since is the requests by verb and resource after an earlier snapshot
// (all of them with nil), as "VERB resource=count" sorted.
func (c *Requests) Since(before map[string]int) []string {
	now, _ := c.Snapshot()
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
