package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandler(t *testing.T) {
	files := fstest.MapFS{
		"index.html":              {Data: []byte("<!doctype html><title>tiphys</title>")},
		"assets/app-ABC123.js":    {Data: []byte("console.log(1)")},
		"assets/app-ABC123.js.gz": {Data: []byte("gzipped")},
	}
	h := newHandler(files)
	tests := []struct {
		name, path, encoding      string
		wantBody, wantCache, want string
	}{
		{name: "root is index.html", path: "/", wantBody: "<title>tiphys", wantCache: "no-cache"},
		{name: "an app route is index.html", path: "/applications/guestbook", wantBody: "<title>tiphys", wantCache: "no-cache"},
		{name: "a hashed asset is cached a year", path: "/assets/app-ABC123.js", wantBody: "console.log", wantCache: "immutable"},
		{name: "its gzip copy when accepted", path: "/assets/app-ABC123.js", encoding: "br, gzip", wantBody: "gzipped", wantCache: "immutable", want: "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.encoding != "" {
				r.Header.Set("Accept-Encoding", tt.encoding)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("%s: %d %q, want 200 with %q", tt.path, w.Code, w.Body, tt.wantBody)
			}
			if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, tt.wantCache) {
				t.Errorf("%s: Cache-Control %q, want %q", tt.path, cc, tt.wantCache)
			}
			if ce := w.Header().Get("Content-Encoding"); ce != tt.want {
				t.Errorf("%s: Content-Encoding %q, want %q", tt.path, ce, tt.want)
			}
			if tt.want == "gzip" && !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") {
				t.Errorf("%s: Content-Type %q of the gzip copy, want text/javascript", tt.path, w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestHandlerNotBuilt(t *testing.T) {
	h := newHandler(fstest.MapFS{"PLACEHOLDER": {Data: []byte("x")}})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if !strings.Contains(w.Body.String(), "make build") {
		t.Errorf("without index.html: %q, want the not-built page naming make build", w.Body)
	}
}
