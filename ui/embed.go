// Package ui is the web UI of `tiphys server`: a single-page app built from
// the TypeScript sources beside this file (npm run build, which `make build`
// runs) into dist/, embedded in the binary.
//
// Handler serves it: the files of dist/ as they are, index.html for any
// other path (the app routes on the URL's hash), a year of caching for the
// content-hashed assets and none for index.html, and the gzip copies the
// build writes beside each asset to clients that accept them. A binary
// built before the UI (dist/ holding only its placeholder) serves a page
// saying so.
package ui

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler returns the handler of the embedded UI.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// dist is embedded at compile time: Sub fails only on a bad name.
		return notBuilt()
	}
	return newHandler(sub)
}

// newHandler serves the UI in files, or the not-built page when files has
// no index.html.
func newHandler(files fs.FS) http.Handler {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return notBuilt()
	}
	return &handler{files: files, index: index}
}

type handler struct {
	files fs.FS
	index []byte
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || name == "index.html" || !fs.ValidPath(name) || !h.isFile(name) {
		h.serveIndex(w)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(name, "assets/") {
		// Asset names carry a hash of their content: they never change.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) && h.isFile(name+".gz") {
		if ct := contentType(name); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Content-Encoding", "gzip")
		http.ServeFileFS(w, r, h.files, name+".gz")
		return
	}
	http.ServeFileFS(w, r, h.files, name)
}

// serveIndex answers with index.html, never cached so that a new binary's
// assets are picked up at the next load.
func (h *handler) serveIndex(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	_, _ = w.Write(h.index)
}

func (h *handler) isFile(name string) bool {
	st, err := fs.Stat(h.files, name)
	return err == nil && !st.IsDir()
}

func acceptsGzip(r *http.Request) bool {
	for _, enc := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if strings.TrimSpace(strings.SplitN(enc, ";", 2)[0]) == "gzip" {
			return true
		}
	}
	return false
}

// contentType is the type of an asset by its extension, set by hand when
// serving its gzip copy (whose own name would say application/gzip).
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json":
		return "application/json"
	}
	return ""
}

// notBuilt is the page of a binary built without the UI.
func notBuilt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(`<!doctype html><meta charset="utf-8"><title>tiphys</title>
<p>The web UI is not built into this binary. Run <code>make build</code> (it builds <code>ui/</code> with npm, then the binary) and start <code>tiphys server</code> again. The API under <code>/api/</code> works without it.</p>
`))
	})
}
