package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/types"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// appJSON keeps each Application's JSON encoding (whole, and per fields
// projection) while its resourceVersion stays the same, so that a list of
// 10 000 apps re-encodes only the apps that changed since the last list.
type appJSON struct {
	mu sync.Mutex
	m  map[types.UID]*encodedApp
}

// encodedApp is one app's encodings at one resourceVersion, by fields key
// ("" for the whole app).
type encodedApp struct {
	resourceVersion string
	byFields        map[string][]byte
}

// encode is a's JSON, whole (fields nil) or projected to fields (key is
// their text), from the cache when a has not changed.
func (c *appJSON) encode(a *v1alpha1.Application, key string, fields [][]string) ([]byte, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[types.UID]*encodedApp{}
	}
	e := c.m[a.UID]
	if e == nil || e.resourceVersion != a.ResourceVersion || a.UID == "" {
		e = &encodedApp{resourceVersion: a.ResourceVersion, byFields: map[string][]byte{}}
		c.m[a.UID] = e
	}
	b, ok := e.byFields[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("application %s: %w", a.Name, err)
	}
	if fields != nil {
		var whole map[string]any
		if err := json.Unmarshal(b, &whole); err != nil {
			return nil, fmt.Errorf("application %s: %w", a.Name, err)
		}
		kept := map[string]any{}
		for _, f := range fields {
			keep(whole, kept, f)
		}
		if b, err = json.Marshal(kept); err != nil {
			return nil, fmt.Errorf("application %s: %w", a.Name, err)
		}
	}
	c.mu.Lock()
	e.byFields[key] = b
	c.mu.Unlock()
	return b, nil
}

// forget drops the encodings of the apps not in keep (deleted ones).
func (c *appJSON) forget(keep map[types.UID]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for uid := range c.m {
		if !keep[uid] {
			delete(c.m, uid)
		}
	}
}

// writeAppList answers an ApplicationList of items, each projected to
// fields (nil: whole), as encoding the list would, from the encodings
// cache.
func (s *Server) writeAppList(w http.ResponseWriter, items []*v1alpha1.Application, resourceVersion, next string, fields [][]string) {
	key := ""
	if fields != nil {
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = strings.Join(f, ".")
		}
		key = strings.Join(parts, ",")
	}
	meta := map[string]string{"resourceVersion": resourceVersion}
	if next != "" {
		meta["continue"] = next
	}
	head, err := json.Marshal(meta)
	if err != nil {
		writeError(w, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(`{"metadata":`)
	buf.Write(head)
	buf.WriteString(`,"items":[`)
	for i := range items {
		b, err := s.encoded.encode(items[i], key, fields)
		if err != nil {
			writeError(w, err)
			return
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteString("]}\n")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
