package server

import (
	"net/http"
	"strings"
)

// itemFields reads a list's fields parameter, Argo CD's projection of list
// answers: comma-separated JSON paths, those under "items." selecting what
// each item keeps (items.metadata.name, items.status.sync.status, …). It
// returns the item paths split on dots; nil when there is none (whole
// items).
func itemFields(r *http.Request) [][]string {
	var out [][]string
	for _, v := range r.URL.Query()["fields"] {
		for _, f := range strings.Split(v, ",") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(f), "items."); ok && rest != "" {
				out = append(out, strings.Split(rest, "."))
			}
		}
	}
	return out
}

// keep copies the value at path from src into dst, making the maps on the
// way; a path that does not exist in src is left out.
func keep(src, dst map[string]any, path []string) {
	v, ok := src[path[0]]
	if !ok {
		return
	}
	if len(path) == 1 {
		dst[path[0]] = v
		return
	}
	next, ok := v.(map[string]any)
	if !ok {
		return
	}
	sub, had := dst[path[0]].(map[string]any)
	if !had {
		sub = map[string]any{}
	}
	keep(next, sub, path[1:])
	if len(sub) > 0 {
		dst[path[0]] = sub
	}
}
