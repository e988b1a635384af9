package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
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

// projectApps is the list with only fields kept in each item (see
// itemFields): a 10 000-app list for a table is a small part of the whole.
func projectApps(list v1alpha1.ApplicationList, fields [][]string) (map[string]any, error) {
	items := make([]map[string]any, 0, len(list.Items))
	for i := range list.Items {
		b, err := json.Marshal(&list.Items[i])
		if err != nil {
			return nil, fmt.Errorf("application %s: %w", list.Items[i].Name, err)
		}
		var whole map[string]any
		if err := json.Unmarshal(b, &whole); err != nil {
			return nil, fmt.Errorf("application %s: %w", list.Items[i].Name, err)
		}
		kept := map[string]any{}
		for _, f := range fields {
			keep(whole, kept, f)
		}
		items = append(items, kept)
	}
	meta := map[string]any{"resourceVersion": list.ResourceVersion}
	if list.Continue != "" {
		meta["continue"] = list.Continue
	}
	return map[string]any{"metadata": meta, "items": items}, nil
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
